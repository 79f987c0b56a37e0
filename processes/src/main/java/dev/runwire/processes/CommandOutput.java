package dev.runwire.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a short command printed and how it exited ({@code redis-server --version}, {@code gcloud
 * info}): the command run to its end, its standard output read while it runs, and the whole process
 * tree stopped when it outlasts its timeout.
 *
 * <pre>{@code
 * Optional<CommandOutput> version =
 *     CommandOutput.of(new ProcessBuilder(binary, "--version").redirectErrorStream(true), timeout);
 * }</pre>
 *
 * @param exitCode the process's exit code
 * @param text what it wrote to its standard output (and standard error when the builder merges it)
 */
public record CommandOutput(int exitCode, String text) {

  /** True when the command exited 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Runs {@code builder} (with the redirects its caller chose; standard output is read here) and
   * waits up to {@code timeout} for it to exit.
   *
   * @return empty when the command did not end within {@code timeout} (it is stopped) or the thread
   *     was interrupted (its flag is set again)
   * @throws IOException when the command cannot start (no such binary, "Text file busy", ...)
   */
  public static Optional<CommandOutput> of(ProcessBuilder builder, Duration timeout)
      throws IOException {
    Process process = builder.start();
    CompletableFuture<String> text =
        CompletableFuture.supplyAsync(() -> readAll(process), CommandOutput::daemon);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        ChildProcess.stopTree(process, Duration.ofSeconds(1));
        return Optional.empty();
      }
      // A child it left running may hold its output open: wait no longer than the timeout.
      long left = Math.max(0, deadline - System.nanoTime());
      return Optional.of(
          new CommandOutput(process.exitValue(), text.get(left, TimeUnit.NANOSECONDS)));
    } catch (TimeoutException e) {
      ChildProcess.stopTree(process, Duration.ofSeconds(1));
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ChildProcess.stopTree(process, Duration.ofSeconds(1));
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IOException("cannot read the output of " + builder.command().get(0), e.getCause());
    }
  }

  private static void daemon(Runnable read) {
    Thread t = new Thread(read, "command-output");
    t.setDaemon(true);
    t.start();
  }

  private static String readAll(Process process) {
    try (InputStream in = process.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
