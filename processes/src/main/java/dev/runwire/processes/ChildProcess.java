package dev.runwire.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * One child process a local run started (the Pub/Sub emulator, the function invoker, a job JVM):
 * its output in a log file, a wait for its port that fails early, naming the log's last line, when
 * it exits first, and a stop that takes its descendants too (SIGTERM, then SIGKILL after a grace),
 * also from a shutdown hook if the caller never closes it.
 *
 * <pre>{@code
 * try (ChildProcess invoker = ChildProcess.start("function invoker", command, env, log)) {
 *   invoker.awaitPort(port, Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ChildProcess implements AutoCloseable {

  /** How long {@link #close()} waits after SIGTERM before it sends SIGKILL. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(() -> stopTree(process, STOP_GRACE), name + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code command} with {@code env} added to this process's environment, stdout and stderr
   * both to {@code log} (replaced).
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return start(name, builder.redirectOutput(log.toFile()), log);
  }

  /**
   * Starts {@code builder} as the caller set it up (redirects, environment).
   *
   * @param logFile where the builder sends the output worth quoting when the process fails
   */
  public static ChildProcess start(String name, ProcessBuilder builder, Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      return new ChildProcess(name, builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + builder.command().get(0), e);
    }
  }

  /** The running JVM's own {@code java}, so children run on the same JDK. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts connections.
   *
   * @throws IllegalStateException when the process exits first (with its log's last line) or the
   *     timeout passes; a {@link CancellationException} when the thread is interrupted
   */
  public void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before listening on 127.0.0.1:"
                + port
                + ": "
                + lastLogLine()
                + " (log: "
                + logFile
                + ")");
      }
      if (FreePorts.accepts(port)) {
        return;
      }
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for " + name);
      }
    }
    throw new IllegalStateException(
        name
            + " did not listen on 127.0.0.1:"
            + port
            + " within "
            + timeout.toMillis()
            + " ms (log: "
            + logFile
            + ")");
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** The log's last non-blank line, or "no output". */
  public String lastLogLine() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).trim();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // no log yet, or not text: say so below
    }
    return "no output";
  }

  /** Stops the process and its descendants, giving them {@code grace} after SIGTERM. */
  public void stop(Duration grace) {
    stopTree(process, grace);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook stops the (stopped) tree again, harmlessly
    }
  }

  @Override
  public void close() {
    stop(STOP_GRACE);
  }

  /**
   * Stops {@code process} and its descendants, so {@code bash -c 'java ...'} leaves no orphan:
   * SIGTERM to all, then SIGKILL to whatever still runs after {@code grace}.
   */
  public static void stopTree(Process process, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    awaitExit(tree, grace);
    List<ProcessHandle> alive = tree.stream().filter(ProcessHandle::isAlive).toList();
    alive.forEach(ProcessHandle::destroyForcibly);
    awaitExit(alive, grace);
  }

  private static void awaitExit(List<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : handles) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        handles.forEach(ProcessHandle::destroyForcibly);
        return;
      } catch (Exception e) {
        // still alive after the grace: the caller kills it
      }
    }
  }
}
