package dev.runwire.emulator.redis;

import dev.runwire.processes.ChildProcesses;
import dev.runwire.processes.CommandOutput;
import dev.runwire.processes.FreePorts;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Real {@code redis-server} processes on loopback, one per instance, each on its own free port. The
 * configuration (including {@code requirepass}) goes in through stdin, so the AUTH string never
 * appears in a process list.
 */
final class RedisServers {

  /** A running server: its process, port and the password clients must send. */
  record RedisServer(Process process, int port, String password) {}

  private static final Logger LOG = Logger.getLogger(RedisServers.class.getName());
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

  private final ChildProcesses processes;
  private final Path dataRoot;
  private final Optional<Path> binary;

  RedisServers(ChildProcesses processes, Path dataRoot) {
    this.processes = processes;
    this.dataRoot = dataRoot;
    this.binary = findBinary();
  }

  /**
   * Set to {@code bundled}, the system property {@value #SERVER_PROPERTY} skips the PATH lookup, so
   * tests on a machine that has redis-server installed can prove the bundled fallback.
   */
  static final String SERVER_PROPERTY = "runwire.redis.server";

  /**
   * {@code RUNWIRE_REDIS_SERVER} when set, else {@code redis-server} on PATH, else the binary
   * bundled with embedded-redis for this platform ({@link BundledRedis}).
   */
  static Optional<Path> findBinary() {
    String explicit = System.getenv("RUNWIRE_REDIS_SERVER");
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path != null && !BundledRedis.LABEL.equals(System.getProperty(SERVER_PROPERTY))) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return BundledRedis.binary();
  }

  Optional<Path> binary() {
    return binary;
  }

  /** Which server backs instances, for the start-up banner. */
  String describe() {
    return binary
        .map(
            b ->
                "redis-server from "
                    + b
                    + " ("
                    + version(b)
                    + (b.startsWith(BundledRedis.cacheDir()) ? ", " + BundledRedis.LABEL : "")
                    + ")")
        .orElse(
            "none: redis-server is not on PATH and none is bundled for "
                + BundledRedis.platform()
                + ", so Redis instance creates fail (install the Debian package redis-server)");
  }

  String missingMessage() {
    return "The local cloud backs each Redis instance with a real redis-server, and none was found"
        + " on PATH or bundled for "
        + BundledRedis.platform()
        + "; install it (Debian: apt-get install redis-server) or set"
        + " RUNWIRE_REDIS_SERVER to its path";
  }

  /** Starts a server on {@code preferredPort} if it is free (0: any port), else on a free one. */
  RedisServer start(String instanceId, String password, long maxMemoryBytes, int preferredPort)
      throws IOException {
    return start(instanceId, password, maxMemoryBytes, preferredPort, "");
  }

  /** As above, with {@code extraConf} (e.g. the TLS settings) appended to the configuration. */
  RedisServer start(
      String instanceId, String password, long maxMemoryBytes, int preferredPort, String extraConf)
      throws IOException {
    Path redis = binary.orElseThrow(() -> new IOException(missingMessage()));
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = FreePorts.pick(attempt == 0 ? preferredPort : 0);
      Path dir = Files.createDirectories(dataRoot.resolve(instanceId + "-" + port));
      StringBuilder conf = new StringBuilder();
      conf.append("bind 127.0.0.1\n")
          .append("port ")
          .append(port)
          .append('\n')
          .append("daemonize no\n")
          .append("save \"\"\n")
          .append("appendonly no\n")
          .append("dir ")
          .append(dir)
          .append('\n')
          .append("maxmemory ")
          .append(maxMemoryBytes)
          .append('\n');
      if (password != null) {
        conf.append("requirepass ").append(password).append('\n');
      }
      conf.append(extraConf);
      ProcessBuilder pb =
          new ProcessBuilder(redis.toString(), "-")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile());
      Process process = processes.start(pb);
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(conf.toString().getBytes(StandardCharsets.UTF_8));
      }
      if (FreePorts.awaitListening(port, START_TIMEOUT, process)) {
        return new RedisServer(process, port, password);
      }
      processes.stop(process, Duration.ofSeconds(1));
      last = new IOException("redis-server did not start on port " + port + "; see " + dir);
    }
    throw last;
  }

  void stop(RedisServer server) {
    if (server != null) {
      processes.stop(server.process(), Duration.ofSeconds(2));
    }
  }

  /** Sends {@code CONFIG SET} for each entry; a value Redis refuses is logged, not fatal. */
  void configSet(RedisServer server, Map<String, String> settings) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      try {
        String reply = command(server, List.of("CONFIG", "SET", e.getKey(), e.getValue()));
        if (!reply.startsWith("+")) {
          LOG.warning("redis CONFIG SET " + e.getKey() + " was refused: " + reply);
        }
      } catch (IOException ex) {
        LOG.warning("redis CONFIG SET " + e.getKey() + " failed: " + ex.getMessage());
      }
    }
  }

  /** One RESP command (after AUTH when the server has a password); the first reply line. */
  private static String command(RedisServer server, List<String> args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (server.password() != null) {
        out.write(resp(List.of("AUTH", server.password())));
        out.flush();
        String auth = in.readLine();
        if (auth == null || !auth.startsWith("+")) {
          throw new IOException("AUTH was refused");
        }
      }
      out.write(resp(args));
      out.flush();
      String line = in.readLine();
      return line == null ? "" : line;
    }
  }

  private static byte[] resp(List<String> args) {
    StringBuilder sb = new StringBuilder("*").append(args.size()).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
      sb.append(a).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String version(Path binary) {
    try {
      return CommandOutput.of(
              new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true),
              VERSION_TIMEOUT)
          .map(
              out -> {
                String text = out.text().trim();
                int v = text.indexOf("v=");
                return v >= 0 ? "v" + text.substring(v + 2).split(" ")[0] : text;
              })
          .orElse("unknown version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
