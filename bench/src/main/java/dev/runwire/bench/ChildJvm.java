package dev.runwire.bench;

import dev.runwire.processes.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process (a JVM, usually) with its stdout and stderr in two files, timed from just before
 * it starts. Closing stops it (and its children) if it still runs, so no benchmark leaves an
 * orphan.
 */
final class ChildJvm implements AutoCloseable {

  /** This JVM's java, so children run on the same JDK. */
  static final String JAVA = ChildProcess.javaBinary();

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final ChildProcess process;
  private final Instant started;
  private final long startedNanos;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(
      ChildProcess process, Instant started, long startedNanos, Path stdout, Path stderr) {
    this.process = process;
    this.started = started;
    this.startedNanos = startedNanos;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static ChildJvm start(List<String> argv, Map<String, String> env, Path logDir, String name) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv, e);
    }
    Path out = logDir.resolve(name + ".stdout.log");
    Path err = logDir.resolve(name + ".stderr.log");
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(argv))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().putAll(env);
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    ChildProcess p = ChildProcess.start(name, pb, err);
    return new ChildJvm(p, started, t0, out, err);
  }

  Instant started() {
    return started;
  }

  long startedNanos() {
    return startedNanos;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the child listens on 127.0.0.1:{@code port}; fails early if it exits. */
  void awaitPort(int port, Duration timeout) {
    process.awaitPort(port, timeout);
  }

  /** Waits for the exit; returns the exit code. */
  int await(Duration timeout) {
    try {
      if (!process.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(
            "child did not finish within " + timeout + "; stderr: " + tail(stderr()));
      }
      return process.process().exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * CPU time the child has used so far, all its threads (user + system), as the OS counts it: a
   * measure of its own work that the machine's load does not inflate, unlike its latency.
   */
  Duration cpuTime() {
    return process
        .process()
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () -> new IllegalStateException("this OS does not report a process's CPU time"));
  }

  /** Nanoseconds from start to exit (call after {@link #await}). */
  long elapsedNanosAtExit(long exitNanos) {
    return exitNanos - startedNanos;
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  Path stdoutFile() {
    return stdout;
  }

  static String tail(String text) {
    String t = text.strip();
    return t.length() > 800 ? "…" + t.substring(t.length() - 800) : t;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.stop(STOP_GRACE);
  }
}
