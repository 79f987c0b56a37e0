package dev.runwire.demo;

import dev.runwire.processes.ChildProcess;
import dev.runwire.processes.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The function running in Google's real Functions Framework invoker, as Cloud Run functions runs
 * it: {@code java -jar java-function-invoker.jar --classpath <function jar> --target <class> --port
 * <p>}. Readiness is the TCP port: the invoker answers {@code GET /} with 500 for a CloudEvents
 * function.
 */
final class FunctionInvoker implements AutoCloseable {

  static final String TARGET = "dev.runwire.function.ProvisioningRequestFunction";

  private final ChildProcess process;
  private final int port;

  private FunctionInvoker(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the invoker; {@link #awaitReady()} waits for it.
   *
   * @param env the function's environment (RUNWIRE_JOB, RUNWIRE_EVENTS_TOPIC, ...)
   */
  static FunctionInvoker start(
      Path invokerJar, Path functionJar, Map<String, String> env, Path log) {
    for (Path jar : List.of(invokerJar, functionJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build it with ./mvnw -q package");
      }
    }
    int port = FreePorts.pick();
    List<String> command =
        List.of(
            ChildProcess.javaBinary(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            invokerJar.toString(),
            "--classpath",
            functionJar.toString(),
            "--target",
            TARGET,
            "--port",
            Integer.toString(port));
    return new FunctionInvoker(ChildProcess.start("function invoker", command, env, log), port);
  }

  FunctionInvoker awaitReady() {
    process.awaitPort(port, Duration.ofSeconds(60));
    return this;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path logFile() {
    return process.logFile();
  }

  @Override
  public void close() {
    process.close();
  }
}
