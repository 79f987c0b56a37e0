package dev.runwire.emulator.network;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which local process holds the client end of a TCP connection on loopback, found the way {@code ss
 * -p} does on Linux without root: {@code /proc/net/tcp} and {@code /proc/net/tcp6} map the client's
 * port to its socket inode, and a process's {@code /proc/<pid>/fd} links name the inodes it holds.
 * Only the candidate processes (the workloads' trees) are searched, so a connection from any other
 * process costs one read of the socket tables.
 */
public final class WorkloadIdentity {

  private static final Path PROC = Path.of("/proc");
  // tcp6 first: Java clients open dual-stack sockets, listed there even for 127.0.0.1.
  private static final List<Path> TABLES =
      List.of(PROC.resolve("net/tcp6"), PROC.resolve("net/tcp"));

  private WorkloadIdentity() {}

  /** Can this platform name the peer of a loopback connection? (Linux with a readable /proc.) */
  public static boolean supported() {
    return Files.isReadable(PROC.resolve("net/tcp")) && Files.isDirectory(PROC.resolve("self/fd"));
  }

  /**
   * The candidate holding the client socket of the connection from {@code clientPort} to {@code
   * serverPort} on this host; empty when none of them does (another process connected).
   */
  public static OptionalLong pidOf(int clientPort, int serverPort, Collection<Long> candidates)
      throws IOException {
    if (candidates.isEmpty()) {
      return OptionalLong.empty();
    }
    Optional<String> inode = socketInode(clientPort, serverPort);
    if (inode.isEmpty()) {
      return OptionalLong.empty();
    }
    String link = "socket:[" + inode.get() + "]";
    for (long pid : candidates) {
      if (holds(pid, link)) {
        return OptionalLong.of(pid);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The inode of the socket whose local port is {@code localPort} and remote port {@code
   * remotePort}. Rows look like {@code 0: 0100007F:A1B2 0100007F:18EB 01 ... uid timeout inode};
   * ports are hex.
   */
  static Optional<String> socketInode(int localPort, int remotePort) throws IOException {
    String local = String.format(":%04X", localPort);
    String remote = String.format(":%04X", remotePort);
    for (Path table : TABLES) {
      if (!Files.isReadable(table)) {
        continue;
      }
      String[] lines = read(table).split("\n");
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote) && !f[9].equals("0")) {
          return Optional.of(f[9]);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The whole table in as few reads as possible: the kernel walks its socket hash again for every
   * read(2) of these files, so small reads multiply the cost.
   */
  private static String read(Path table) throws IOException {
    byte[] buf = new byte[256 * 1024];
    int total = 0;
    try (InputStream in = Files.newInputStream(table)) {
      int n;
      while ((n = in.read(buf, total, buf.length - total)) > 0) {
        total += n;
        if (total == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
      }
    }
    return new String(buf, 0, total, StandardCharsets.US_ASCII);
  }

  private static boolean holds(long pid, String link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(link)) {
            return true;
          }
        } catch (IOException | UnsupportedOperationException e) {
          // the fd closed meanwhile
        }
      }
    } catch (IOException e) {
      // the process exited or is not ours to read
    }
    return false;
  }
}
