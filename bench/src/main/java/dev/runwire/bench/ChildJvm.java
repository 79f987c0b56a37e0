package dev.runwire.bench;

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
 * A child process (a JVM, usually) with its output in files, timed from just before it starts.
 * Closing stops it (and its children) if it still runs, so no benchmark leaves an orphan.
 */
final class ChildJvm implements AutoCloseable {

  /** This JVM's java, so children run on the same JDK. */
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final Process process;
  private final Instant started;
  private final long startedNanos;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(Process process, Instant started, long startedNanos, Path stdout, Path stderr) {
    this.process = process;
    this.started = started;
    this.startedNanos = startedNanos;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static ChildJvm start(List<String> argv, Map<String, String> env, Path logDir, String name) {
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve(name + ".stdout.log");
      Path err = logDir.resolve(name + ".stderr.log");
      ProcessBuilder pb =
          new ProcessBuilder(new ArrayList<>(argv))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      Process p = pb.start();
      return new ChildJvm(p, started, t0, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv, e);
    }
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

  /** Waits for the exit; returns the exit code. */
  int await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(
            "child did not finish within " + timeout + "; stderr: " + tail(stderr()));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted", e);
    }
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
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
