package dev.runwire.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.NetworkLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The verify step's probe execution in one apply, from the local cloud's own records (ms): the
 * execution's {@code createTime → startTime} (the local cloud taking the run), {@code startTime} to
 * the probe's first connection to the Redis instance's front (the network log's decision: the JVM
 * starting and loading the Redis client), and from there to {@code completionTime} (PING, INCR, the
 * JVM exiting, the local cloud seeing the exit).
 *
 * @param toRedis NaN when the network log has no decision for this execution
 */
record ProbeRun(String execution, double toStart, double toRedis, double afterRedis, double total) {

  static final String JOB_PREFIX = "/jobs/runwire-probe-";

  /**
   * The one probe execution in {@code state} (the local cloud's {@code state()} after a reset and
   * one apply), or empty when the apply ran none.
   */
  static Optional<ProbeRun> of(JsonObject state, List<NetworkLog.Decision> network) {
    JsonObject run = state.getAsJsonObject("run");
    if (run == null || !run.has("executions")) {
      return Optional.empty();
    }
    JsonObject probe = null;
    for (JsonElement e : run.getAsJsonArray("executions")) {
      JsonObject execution = e.getAsJsonObject();
      if (execution.get("name").getAsString().contains(JOB_PREFIX)
          && execution.has("completionTime")
          && (probe == null || time(execution, "createTime").isAfter(time(probe, "createTime")))) {
        probe = execution;
      }
    }
    if (probe == null || !probe.has("startTime")) {
      return Optional.empty();
    }
    String name = probe.get("name").getAsString();
    Instant created = time(probe, "createTime");
    Instant started = time(probe, "startTime");
    Instant done = time(probe, "completionTime");
    Instant reached =
        network.stream()
            .filter(d -> d.workload().contains(name + "/tasks/"))
            .map(NetworkLog.Decision::at)
            .min(Instant::compareTo)
            .orElse(null);
    return Optional.of(
        new ProbeRun(
            name,
            ms(created, started),
            reached == null ? Double.NaN : ms(started, reached),
            reached == null ? Double.NaN : ms(reached, done),
            ms(created, done)));
  }

  /** From the execution's start to its completion: the task's process, which is not scaled. */
  double task() {
    return total - toStart;
  }

  private static Instant time(JsonObject o, String field) {
    return Instant.parse(o.get(field).getAsString());
  }

  private static double ms(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }
}
