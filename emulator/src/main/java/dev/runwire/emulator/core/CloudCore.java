package dev.runwire.emulator.core;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.runwire.emulator.network.WorkloadIdentity;
import dev.runwire.processes.ChildProcesses;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What every surface shares: the one state lock, ids, the latency profile, faults, the request log,
 * the JSON codec, timed transitions, long-running operations, child processes and the image
 * commands. Handlers run with the lock held; transitions take it to commit.
 */
public final class CloudCore implements AutoCloseable {

  /** Settings chosen at start. */
  public record Config(
      LatencyProfile profile,
      long seed,
      ImageCommands images,
      Path workDir,
      boolean echoOutput,
      Map<String, String> childEnv,
      Duration serviceStartTimeout) {}

  private static final List<String> HOST_ENV_PASSED =
      List.of("PATH", "HOME", "JAVA_HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "TZ");

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled whenever a holder of the state lock lets go of it: the state may have changed. */
  private final Condition changed = lock.newCondition();

  private final Config config;
  private final Ids ids;
  private final Faults faults;
  private final RequestLog log = new RequestLog();
  private final ProtoJson json = new ProtoJson();
  private final Transitions transitions = new Transitions();
  private final LongRunningOperations operations = new LongRunningOperations(this);
  private final ChildProcesses processes = new ChildProcesses();
  private final ExecutorService workers;
  private volatile String baseUrl = "";

  private final Workloads workloads = new Workloads();
  private final WorkloadIdentity identity = new WorkloadIdentity(workloads);
  private final NetworkLog networkLog = new NetworkLog();

  public CloudCore(Config config) {
    this.config = config;
    this.ids = new Ids(config.seed());
    this.faults = new Faults(config.seed());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "local-cloud-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  public <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  /**
   * Waits until {@code condition} holds (checked with the state lock held, again after every change
   * of state) or {@code timeout} passes; true when it holds. The lock is let go while waiting, also
   * when the caller holds it (a handler), so the transitions it waits for can commit.
   */
  public boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (!condition.getAsBoolean()) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the cloud is closing: answer with the state as it is
      return condition.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }

  public Timestamp now() {
    return Timestamps.fromMillis(System.currentTimeMillis());
  }

  public Ids ids() {
    return ids;
  }

  public LatencyProfile profile() {
    return config.profile();
  }

  public Duration duration(LatencyKey key) {
    return config.profile().duration(key);
  }

  public Faults faults() {
    return faults;
  }

  public RequestLog log() {
    return log;
  }

  public ProtoJson json() {
    return json;
  }

  public Transitions transitions() {
    return transitions;
  }

  public LongRunningOperations operations() {
    return operations;
  }

  /** The process trees that run as Cloud Run workloads, for the network's per-connection check. */
  public Workloads workloads() {
    return workloads;
  }

  /** Which workload opened a connection: one cache shared by the metadata server and Redis. */
  public WorkloadIdentity identity() {
    return identity;
  }

  /** Network decisions (who connected to which Redis instance, allowed or blocked, and why). */
  public NetworkLog networkLog() {
    return networkLog;
  }

  public ChildProcesses processes() {
    return processes;
  }

  public ImageCommands images() {
    return config.images();
  }

  /** For waits that last as long as a process runs (job tasks); never the timer threads. */
  public ExecutorService workers() {
    return workers;
  }

  /** Where process output and Redis data go. */
  public Path workDir() {
    return config.workDir();
  }

  public boolean echoOutput() {
    return config.echoOutput();
  }

  public Duration serviceStartTimeout() {
    return config.serviceStartTimeout();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public void baseUrl(String url) {
    this.baseUrl = url;
  }

  /**
   * The environment a local container starts from: a few host variables a command needs to run
   * (PATH, HOME, JAVA_HOME, ...), {@code RUNWIRE_LOCAL_CLOUD} pointing at this cloud (inside the
   * local cloud, "Google" is this process), and the configured extra variables. The container's own
   * env goes on top.
   */
  public Map<String, String> containerBaseEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : HOST_ENV_PASSED) {
      String v = System.getenv(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    env.put("RUNWIRE_LOCAL_CLOUD", baseUrl);
    // Cloud Run containers reach the metadata server; the local cloud's workloads reach its own.
    if (!baseUrl.isBlank()) {
      env.put(MetadataServer.HOST_ENV, URI.create(baseUrl).getAuthority());
    }
    env.putAll(config.childEnv());
    return env;
  }

  /** Drops pending transitions, operations and faults' counters; surfaces reset themselves. */
  void resetShared() {
    transitions.reset();
    locked(operations::reset);
  }

  @Override
  public void close() {
    transitions.close();
    processes.close();
    workers.shutdownNow();
  }
}
