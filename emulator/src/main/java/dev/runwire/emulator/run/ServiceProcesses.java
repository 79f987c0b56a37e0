package dev.runwire.emulator.run;

import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.ProcessOutput;
import dev.runwire.emulator.core.Workloads;
import dev.runwire.processes.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Cloud Run services whose image maps to a local command, each running as a process with its
 * revision's env and {@code PORT}. A service keeps its port for life, so its {@code uri} stays the
 * same; a new revision stops the old process and starts the new one on that port.
 */
final class ServiceProcesses {

  /** The revision a service runs now. */
  record Running(Process process, int port, String revision) {}

  /** Why a revision could not start. */
  static final class StartFailure extends Exception {
    StartFailure(String message) {
      super(message);
    }
  }

  private static final Logger LOG = Logger.getLogger(ServiceProcesses.class.getName());

  private final CloudCore core;
  private final Map<String, Running> running = new HashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();

  ServiceProcesses(CloudCore core) {
    this.core = core;
  }

  /** Keeps {@code port} for the service when it is free (a loaded service keeps its uri). */
  synchronized void preferPort(String service, int port) {
    ports.computeIfAbsent(service, s -> FreePorts.pick(port));
  }

  /** The port the service's uri points at (chosen once per service). */
  synchronized int portFor(String service) {
    return ports.computeIfAbsent(service, s -> FreePorts.pick());
  }

  /** Replaces the service's process with {@code revision}'s and waits until it listens. */
  synchronized Running start(
      String service,
      String revision,
      List<String> argv,
      Map<String, String> env,
      Workloads.Workload workload)
      throws StartFailure {
    stop(service);
    int port = portFor(service);
    String shortService = service.substring(service.lastIndexOf('/') + 1);
    String shortRevision = revision.substring(revision.lastIndexOf('/') + 1);
    Map<String, String> full = new HashMap<>(core.containerBaseEnv());
    full.putAll(env);
    full.put("PORT", Integer.toString(port));
    full.put("K_SERVICE", shortService);
    full.put("K_REVISION", shortRevision);
    full.put("K_CONFIGURATION", shortService);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(full);
    Path dir = core.workDir().resolve("services").resolve(shortService);
    Process p;
    try {
      p =
          ProcessOutput.start(
              core.processes(),
              pb,
              dir.resolve(shortRevision + ".stdout.log"),
              dir.resolve(shortRevision + ".stderr.log"),
              core.echoOutput(),
              shortRevision,
              LOG::info);
    } catch (IOException e) {
      throw new StartFailure(
          "The container could not be started: " + argv.get(0) + ": " + e.getMessage());
    }
    // Its connections to Redis instances are judged by the revision's network settings.
    core.workloads().register(p, workload);
    if (!FreePorts.awaitListening(port, core.serviceStartTimeout(), p)) {
      String why =
          p.isAlive()
              ? "did not listen on PORT=" + port + " within " + core.serviceStartTimeout()
              : "exited with code " + p.exitValue() + " before listening on PORT=" + port;
      core.processes().stop(p, Duration.ofSeconds(2));
      throw new StartFailure(
          "Revision '"
              + shortRevision
              + "' is not ready and cannot serve traffic: the container "
              + why
              + ". Logs: "
              + dir);
    }
    Running r = new Running(p, port, revision);
    running.put(service, r);
    return r;
  }

  synchronized void stop(String service) {
    Running r = running.remove(service);
    if (r != null) {
      core.processes().stop(r.process(), Duration.ofSeconds(5));
    }
  }

  synchronized void forget(String service) {
    stop(service);
    ports.remove(service);
  }

  void stopAll() {
    List<String> all;
    synchronized (this) {
      all = new ArrayList<>(running.keySet());
    }
    all.forEach(this::forget);
    synchronized (this) {
      ports.clear();
    }
  }
}
