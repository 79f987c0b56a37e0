package dev.runwire.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * A child process that listens on a loopback port chosen for it (the Pub/Sub emulator, a function
 * invoker): started with a free port and waited on until it accepts there. A free port can be taken
 * between choosing and binding it, so a process that exits or does not listen in time is stopped
 * and started again on another port, up to {@code attempts} times.
 *
 * <pre>{@code
 * try (ListeningProcess emulator =
 *     ListeningProcess.start("the Pub/Sub emulator", port -> builderFor(port), log, timeout, 3)) {
 *   emulator.port();
 * }
 * }</pre>
 */
public record ListeningProcess(ChildProcess process, int port) implements AutoCloseable {

  /**
   * Starts {@code launch.apply(port)} on a free port until it listens.
   *
   * @param launch the process for a port, its output redirected to {@code logFile}
   * @throws IllegalStateException the last attempt's failure (its exit code and last log line, or
   *     the timeout) when none listened
   */
  public static ListeningProcess start(
      String name,
      IntFunction<ProcessBuilder> launch,
      Path logFile,
      Duration readyTimeout,
      int attempts) {
    IllegalStateException last = new IllegalStateException(name + ": no attempt to start it");
    for (int attempt = 1; attempt <= attempts; attempt++) {
      int port = FreePorts.pick();
      ChildProcess child = ChildProcess.start(name, launch.apply(port), logFile);
      try {
        child.awaitPort(port, readyTimeout);
        return new ListeningProcess(child, port);
      } catch (IllegalStateException e) {
        child.close();
        last = e;
      } catch (RuntimeException e) {
        child.close();
        throw e;
      }
    }
    throw last;
  }

  /** Stops the process and its descendants (SIGTERM, then SIGKILL after a grace). */
  @Override
  public void close() {
    process.close();
  }
}
