package dev.runwire.emulator.network;

import dev.runwire.emulator.core.Workloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which workload holds the client end of a TCP connection on loopback, found the way {@code ss -p}
 * does on Linux without root: {@code /proc/net/tcp} and {@code /proc/net/tcp6} map the client's
 * port to its socket inode, and a process's {@code /proc/<pid>/fd} links name the inodes it holds.
 *
 * <p>Reading every workload's fd table for every question cost 204 ms (p50) with 50 workloads of 70
 * fds each on 2 cores, and seconds at a fleet's load: too much for each metadata request and Redis
 * connection. So every socket inode read is kept with its owner (a question about a socket already
 * read, e.g. the next request on a keep-alive connection, costs one read of the socket tables), and
 * an unknown socket is searched for in a pass over the workload processes, newest first (a probe
 * task that just started is the likely caller), that stops when it finds it. A pass that started
 * before the question can be continued, since its processes not read yet are read after the
 * question; processes it has read are not read again. So a burst of questions reads each fd table
 * about twice, not once per question. A socket that a whole pass started after the question did not
 * find belongs to no workload.
 */
public final class WorkloadIdentity {

  private static final Path PROC = Path.of("/proc");
  // tcp6 first: Java clients open dual-stack sockets, listed there even for 127.0.0.1.
  private static final List<Path> TABLES =
      List.of(PROC.resolve("net/tcp6"), PROC.resolve("net/tcp"));

  /** The owner of a socket: the process holding it and the workload that process runs as. */
  public record Owner(long pid, Workloads.Workload workload) {}

  /** One pass over the workload processes, newest first; {@code next} is the first not yet read. */
  private static final class Pass {
    final long startedNanos;
    final Map<Long, Workloads.Workload> members;
    final List<Long> newestFirst;
    int next;

    Pass(long startedNanos, Map<Long, Workloads.Workload> members) {
      this.startedNanos = startedNanos;
      this.members = members;
      this.newestFirst = members.keySet().stream().sorted(Comparator.reverseOrder()).toList();
    }
  }

  private final Workloads workloads;
  private final Map<String, Owner> seen = new ConcurrentHashMap<>();
  private final AtomicLong tablesRead = new AtomicLong();
  private final Object searching = new Object();
  private Pass pass; // guarded by searching

  public WorkloadIdentity(Workloads workloads) {
    this.workloads = workloads;
  }

  /** Can this platform name the peer of a loopback connection? (Linux with a readable /proc.) */
  public static boolean supported() {
    return Files.isReadable(PROC.resolve("net/tcp")) && Files.isDirectory(PROC.resolve("self/fd"));
  }

  /**
   * The workload process holding the client socket of the connection from {@code clientPort} to
   * {@code serverPort} on this host; empty when none does (another process connected).
   */
  public Optional<Owner> ownerOf(int clientPort, int serverPort) throws IOException {
    if (workloads.isEmpty()) {
      return Optional.empty();
    }
    long asked = System.nanoTime();
    Optional<String> inode = socketInode(clientPort, serverPort);
    if (inode.isEmpty()) {
      return Optional.empty();
    }
    Owner known = seen.get(inode.get());
    if (known != null) {
      return Optional.of(known);
    }
    return Optional.ofNullable(search(inode.get(), asked));
  }

  /** How many process fd tables were read so far. */
  public long tablesRead() {
    return tablesRead.get();
  }

  private Owner search(String inode, long asked) {
    synchronized (searching) {
      Owner found = seen.get(inode);
      if (found != null) {
        return found;
      }
      if (pass == null || pass.startedNanos - asked < 0) {
        pass = new Pass(System.nanoTime(), workloads.members());
        seen.values().removeIf(o -> !pass.members.containsKey(o.pid()));
      }
      while (pass.next < pass.newestFirst.size()) {
        long pid = pass.newestFirst.get(pass.next++);
        socketsOf(pid, new Owner(pid, pass.members.get(pid)), seen);
        tablesRead.incrementAndGet();
        found = seen.get(inode);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
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

  /** Adds every socket {@code pid} holds, as {@code owner}'s. */
  private static void socketsOf(long pid, Owner owner, Map<String, Owner> into) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[") && link.endsWith("]")) {
            into.put(link.substring(8, link.length() - 1), owner);
          }
        } catch (IOException | UnsupportedOperationException e) {
          // the fd closed meanwhile
        }
      }
    } catch (IOException e) {
      // the process exited or is not ours to read
    }
  }
}
