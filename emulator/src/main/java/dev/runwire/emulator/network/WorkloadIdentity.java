package dev.runwire.emulator.network;

import dev.runwire.emulator.core.Workloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which workload holds the client end of a TCP connection on loopback, found the way {@code ss -p}
 * does on Linux without root: {@code /proc/net/tcp} and {@code /proc/net/tcp6} map the client's
 * port to its socket inode, and a process's {@code /proc/<pid>/fd} links name the inodes it holds.
 *
 * <p>Reading every workload's fd table costs about 0.2 s with 50 workloads of 70 fds each (measured
 * on 2 cores), too much for every metadata request and Redis connection of a fleet. So one scan
 * reads the fd tables of all workload processes at once and keeps every socket inode it saw with
 * its owner; a question about a socket the last scan saw (the next request on a keep-alive
 * connection) costs one read of the socket tables. A socket the last scan did not see needs a scan
 * that started after the question came: concurrent questions share one, so a burst of 50 costs at
 * most two scans, not 50. A socket that a scan started after it existed did not see belongs to no
 * workload.
 */
public final class WorkloadIdentity {

  private static final Path PROC = Path.of("/proc");
  // tcp6 first: Java clients open dual-stack sockets, listed there even for 127.0.0.1.
  private static final List<Path> TABLES =
      List.of(PROC.resolve("net/tcp6"), PROC.resolve("net/tcp"));

  /** The owner of a socket: the process holding it and the workload that process runs as. */
  public record Owner(long pid, Workloads.Workload workload) {}

  /** What one scan saw: socket inode to owner, and when the scan started. */
  private record Scan(long startedNanos, Map<String, Owner> sockets) {}

  private final Workloads workloads;
  private final Object scanning = new Object();
  private final AtomicLong scans = new AtomicLong();
  private volatile Scan last;

  public WorkloadIdentity(Workloads workloads) {
    this.workloads = workloads;
    // "Started" before anything could ask: the first question always scans.
    this.last = new Scan(System.nanoTime() - 1, Map.of());
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
    Owner known = last.sockets().get(inode.get());
    if (known != null) {
      return Optional.of(known);
    }
    return Optional.ofNullable(scanSince(asked).sockets().get(inode.get()));
  }

  /** How many fd-table scans ran so far (each reads every workload process's fd table). */
  public long scans() {
    return scans.get();
  }

  /** A scan that started at or after {@code nanos}: the last one if it did, else a new one. */
  private Scan scanSince(long nanos) {
    Scan s = last;
    if (s.startedNanos() - nanos >= 0) {
      return s;
    }
    synchronized (scanning) {
      s = last;
      if (s.startedNanos() - nanos >= 0) {
        return s;
      }
      long started = System.nanoTime();
      Map<String, Owner> sockets = new HashMap<>();
      workloads.members().forEach((pid, w) -> socketsOf(pid, new Owner(pid, w), sockets));
      scans.incrementAndGet();
      s = new Scan(started, Map.copyOf(sockets));
      last = s;
      return s;
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
            into.putIfAbsent(link.substring(8, link.length() - 1), owner);
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
