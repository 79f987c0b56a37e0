package dev.runwire.bench;

import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.StepKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long each operation a fresh apply starts takes, in the proportions of the real APIs (see
 * GCP-FACTS: Redis create several minutes, a connector 1–3 minutes, Compute operations seconds, a
 * Run update tens of seconds), divided by {@link #SCALE} so a run takes seconds. The same numbers
 * configure the local cloud (as per-key overrides of its {@code scaled} profile) and weight the
 * critical path, so the ratio compares like with like. The job's poll delay is scaled the same way
 * ({@link #POLL_INITIAL_DELAY} = its 5 s default ÷ {@link #SCALE}).
 */
final class OperationDurations {

  /** Real time ÷ SCALE = bench time. */
  static final int SCALE = 100;

  /** The job's RUNWIRE_POLL_INITIAL_DELAY default (5 s) at the bench's scale. */
  static final Duration POLL_INITIAL_DELAY = Duration.ofSeconds(5).dividedBy(SCALE);

  /**
   * One operation: what it is, the local cloud's latency key for it, its real duration, the step
   * that waits on it.
   */
  record Operation(String what, String key, Duration realistic, StepKind step) {}

  /** The operations of a fresh apply of the largest request (network and service exist). */
  static final List<Operation> APPLY =
      List.of(
          new Operation(
              "Redis create", "redis.create", Duration.ofMinutes(5), StepKind.REDIS_INSTANCE),
          new Operation(
              "connector create",
              "vpcaccess.create",
              Duration.ofMinutes(2),
              StepKind.VPC_CONNECTOR),
          new Operation(
              "subnet insert",
              "compute.subnetwork",
              Duration.ofSeconds(10),
              StepKind.EGRESS_SUBNET),
          new Operation(
              "firewall insert", "compute.firewall", Duration.ofSeconds(8), StepKind.FIREWALL),
          new Operation(
              "address insert", "compute.address", Duration.ofSeconds(3), StepKind.STATIC_ADDRESS),
          new Operation(
              "router insert", "compute.router", Duration.ofSeconds(8), StepKind.CLOUD_ROUTER),
          new Operation(
              "NAT (router patch)", "compute.router", Duration.ofSeconds(8), StepKind.CLOUD_NAT),
          new Operation(
              "Run service update",
              "run.service.update",
              Duration.ofSeconds(25),
              StepKind.CLOUD_RUN_SERVICE),
          // verify's probe: its Cloud Run job is created, then one execution starts. The task
          // itself (a JVM running the probe) is not scaled: the bench weighs it as measured.
          new Operation(
              "probe job create", "run.job.create", Duration.ofSeconds(5), StepKind.PROBE_JOB),
          new Operation(
              "probe execution start",
              "run.execution.start",
              Duration.ofSeconds(10),
              StepKind.VERIFY));

  /** Operations the bench's own seeding starts (not timed against the critical path). */
  static final List<Operation> SEEDING =
      List.of(
          new Operation("network insert", "compute.network", Duration.ofSeconds(20), null),
          new Operation("Run service create", "run.service.create", Duration.ofSeconds(30), null));

  private OperationDurations() {}

  static Duration scaled(Duration realistic) {
    return realistic.dividedBy(SCALE);
  }

  /** Per-key overrides for {@code LocalCloud.builder().duration(key, d)}. */
  static Map<String, Duration> overrides() {
    Map<String, Duration> out = new LinkedHashMap<>();
    for (Operation op : APPLY) {
      out.put(op.key(), scaled(op.realistic()));
    }
    for (Operation op : SEEDING) {
      out.put(op.key(), scaled(op.realistic()));
    }
    return out;
  }

  /**
   * What each planned step waits for in a fresh apply (bench time); steps without an op weigh 0.
   */
  static Map<StepKind, Duration> stepWeights(Plan plan) {
    Map<StepKind, Duration> weights = new EnumMap<>(StepKind.class);
    for (Operation op : APPLY) {
      if (plan.contains(op.step())) {
        weights.merge(op.step(), scaled(op.realistic()), Duration::plus);
      }
    }
    return weights;
  }

  /** The durations as a markdown line for the results file. */
  static String describe() {
    StringBuilder out = new StringBuilder();
    for (Operation op : APPLY) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(op.what())
          .append(" (")
          .append(op.key())
          .append(") ")
          .append(human(op.realistic()))
          .append(" → ")
          .append(scaled(op.realistic()).toMillis())
          .append(" ms");
    }
    return out.toString();
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : String.format(Locale.ROOT, "%d s", s);
  }
}
