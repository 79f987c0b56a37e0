package dev.runwire.function;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.runwire.processes.ChildProcess;
import dev.runwire.processes.FreePorts;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real Functions Framework invoker in its own JVM, loading the shaded function jar the way the
 * local flow (and Cloud Run functions) do: {@code java -jar java-function-invoker.jar --classpath
 * runwire-function.jar --target ... --port ...}. Stopped with its descendants on {@link #close()}.
 */
public final class InvokerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ChildProcess process;
  private final int port;

  private InvokerProcess(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
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
    int port = FreePorts.pick();
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
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
    InvokerProcess invoker =
        new InvokerProcess(ChildProcess.start("the invoker", command, env, log), port);
    try {
      // GET / answers 500 on a CloudEvent function, so readiness is the TCP port.
      invoker.process.awaitPort(port, START_TIMEOUT);
    } catch (RuntimeException e) {
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
    return Files.readString(process.logFile());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
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
