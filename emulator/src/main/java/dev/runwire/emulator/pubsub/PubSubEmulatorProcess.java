package dev.runwire.emulator.pubsub;

import dev.runwire.processes.ChildProcess;
import dev.runwire.processes.ListeningProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
  private static final int START_ATTEMPTS = 3;

  private final ListeningProcess process;

  private PubSubEmulatorProcess(ListeningProcess process) {
    this.process = process;
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
    return new PubSubEmulatorProcess(
        ListeningProcess.start(
            "the Pub/Sub emulator (" + jar + ")",
            port -> launch(jar, port, logFile),
            logFile,
            READY_TIMEOUT,
            START_ATTEMPTS));
  }

  /** {@code 127.0.0.1:<port>}: the value of {@code PUBSUB_EMULATOR_HOST}. */
  public String hostPort() {
    return HOST + ":" + process.port();
  }

  public int port() {
    return process.port();
  }

  public long pid() {
    return process.process().pid();
  }

  public Path logFile() {
    return process.process().logFile();
  }

  public boolean isAlive() {
    return process.process().isAlive();
  }

  /** Stops the emulator: SIGTERM, then SIGKILL after a few seconds. */
  @Override
  public void close() {
    process.close();
  }

  private static ProcessBuilder launch(Path jar, int port, Path logFile) {
    List<String> command =
        List.of(
            ChildProcess.javaBinary(),
            "-XX:+UseSerialGC",
            "-Xmx512m",
            "-jar",
            jar.toString(),
            "--host=" + HOST,
            "--port=" + port);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    // The emulator must not think it is itself pointed at an emulator or a real project.
    builder.environment().remove("PUBSUB_EMULATOR_HOST");
    return builder;
  }
}
