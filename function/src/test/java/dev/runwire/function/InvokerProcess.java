package dev.runwire.function;

import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Functions Framework invoker in its own JVM, loading the shaded function jar the way the
 * local flow (and Cloud Run functions) do: {@code java -jar java-function-invoker.jar --classpath
 * runwire-function.jar --target ... --port ...}. Stopped by PID on {@link #close()}.
 */
public final class InvokerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private InvokerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * @param functionJar the shaded jar ({@code function/target/runwire-function.jar})
   * @param env the function's environment (RUNWIRE_JOB and friends)
   */
  public static InvokerProcess start(Path functionJar, Map<String, String> env, Path log)
      throws IOException {
    if (!Files.isRegularFile(functionJar)) {
      throw new IllegalStateException(
          functionJar
              + " is missing: run `./mvnw -pl function -am verify`, which packages it first");
    }
    int port = PubSubEmulator.freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(invokerJar().toString());
    command.add("--classpath");
    command.add(functionJar.toString());
    command.add("--target");
    command.add(ProvisioningRequestFunction.class.getName());
    command.add("--port");
    command.add(Integer.toString(port));
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    InvokerProcess invoker = new InvokerProcess(builder.start(), port, log);
    try {
      invoker.awaitListening();
    } catch (IOException | RuntimeException e) {
      invoker.close();
      throw e;
    }
    return invoker;
  }

  public int port() {
    return port;
  }

  /** Everything the function wrote (its structured log lines are on stdout). */
  public String output() throws IOException {
    return Files.readString(log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // GET / answers 500 on a CloudEvent function, so readiness is the TCP port.
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the invoker exited with code " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
    throw new IOException("the invoker did not listen on " + port + " within " + START_TIMEOUT);
  }

  /** The invoker jar is a test dependency; its location is where its classes come from. */
  public static Path invokerJar() {
    try {
      return Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the invoker jar", e);
    }
  }
}
