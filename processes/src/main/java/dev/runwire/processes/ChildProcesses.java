package dev.runwire.processes;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the local cloud starts (redis-server, job tasks, service revisions). Stopping a
 * process stops its whole tree, so {@code bash -c 'java ...'} leaves no orphan; all are stopped on
 * reset, on close and by a JVM shutdown hook.
 */
public final class ChildProcesses implements AutoCloseable {

  private static final Set<ChildProcesses> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> OPEN.forEach(ChildProcesses::stopAll), "local-cloud-child-reaper"));
  }

  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  public ChildProcesses() {
    OPEN.add(this);
  }

  public Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    live.add(p);
    p.onExit().thenRun(() -> live.remove(p));
    return p;
  }

  /** Stops {@code process} and its descendants: TERM, then KILL after {@code grace}. */
  public void stop(Process process, Duration grace) {
    if (process == null) {
      return;
    }
    ChildProcess.stopTree(process, grace);
    live.remove(process);
  }

  public void stopAll() {
    List<Process> all = new ArrayList<>(live);
    all.parallelStream().forEach(p -> stop(p, Duration.ofSeconds(2)));
  }

  public int liveCount() {
    return live.size();
  }

  @Override
  public void close() {
    stopAll();
    OPEN.remove(this);
  }
}
