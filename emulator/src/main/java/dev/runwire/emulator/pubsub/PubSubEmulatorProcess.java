package dev.runwire.emulator.pubsub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Google's Pub/Sub emulator as a child JVM on a free loopback port: {@code java -jar
 * cloud-pubsub-emulator-*-all.jar --host=127.0.0.1 --port=P}. Started directly and stopped by PID,
 * never through {@code gcloud beta emulators pubsub start}, whose wrapper leaves the emulator JVM
 * running when it is killed. A shutdown hook stops it if the caller never closes it.
 *
 * <pre>{@code
 * try (PubSubEmulatorProcess pubsub = PubSubEmulatorProcess.start(logFile)) {
 *   String host = pubsub.hostPort(); // PUBSUB_EMULATOR_HOST
 * }
 * }</pre>
 */
public final class PubSubEmulatorProcess implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path logFile;
  private final Thread shutdownHook;

  private PubSubEmulatorProcess(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stop, "pubsub-emulator-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the emulator found by {@link PubSubEmulatorJar#locate}, logging to a temp file. */
  public static PubSubEmulatorProcess start() {
    try {
      return start(Files.createTempFile("pubsub-emulator-", ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a log file for the Pub/Sub emulator", e);
    }
  }

  /**
   * Starts the emulator and waits until it accepts TCP connections.
   *
   * @param logFile where the emulator's stdout and stderr go (replaced)
   * @throws PubSubEmulatorMissingException when the jar is not installed
   */
  public static PubSubEmulatorProcess start(Path logFile) {
    return start(PubSubEmulatorJar.locate(System.getenv()), logFile);
  }

  public static PubSubEmulatorProcess start(Path jar, Path logFile) {
    IllegalStateException last = null;
    // A free port can be taken between choosing and binding it: try another one.
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      Process process = launch(jar, port, logFile);
      PubSubEmulatorProcess emulator = new PubSubEmulatorProcess(process, port, logFile);
      try {
        emulator.awaitReady();
        return emulator;
      } catch (IllegalStateException e) {
        emulator.close();
        last = e;
      } catch (RuntimeException e) {
        emulator.close();
        throw e;
      }
    }
    throw last;
  }

  /** {@code 127.0.0.1:<port>}: the value of {@code PUBSUB_EMULATOR_HOST}. */
  public String hostPort() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the emulator: SIGTERM, then SIGKILL after a few seconds. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs stop() again, harmlessly
    }
  }

  private void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Process launch(Path jar, int port, Path logFile) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-XX:+UseSerialGC",
            "-Xmx512m",
            "-jar",
            jar.toString(),
            "--host=" + HOST,
            "--port=" + port);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      // The emulator must not think it is itself pointed at an emulator or a real project.
      Map<String, String> env = builder.environment();
      env.remove("PUBSUB_EMULATOR_HOST");
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Pub/Sub emulator (" + jar + ")", e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the Pub/Sub emulator exited with code "
                + process.exitValue()
                + " before listening on "
                + hostPort()
                + ": "
                + lastLogLine()
                + " (log: "
                + logFile
                + ")");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException(
        "the Pub/Sub emulator did not listen on "
            + hostPort()
            + " within "
            + READY_TIMEOUT.toSeconds()
            + " s (log: "
            + logFile
            + ")");
  }

  private String lastLogLine() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).trim();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // fall through
    }
    return "no output";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the Pub/Sub emulator");
    }
  }
}
