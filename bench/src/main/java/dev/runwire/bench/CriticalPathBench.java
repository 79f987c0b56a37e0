package dev.runwire.bench;

import static dev.runwire.bench.ResultTable.count;
import static dev.runwire.bench.ResultTable.millis;
import static dev.runwire.bench.ResultTable.ratio;
import static dev.runwire.bench.ResultTable.times;

import com.google.gson.JsonObject;
import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.emulator.core.RequestKind;
import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Figures 1 and 2. The largest request applied through the job's own runner against the local cloud
 * with {@link OperationDurations}: wall time ÷ the critical path of the planner's DAG; the same
 * request one step at a time in the manual guides' order (speed-up); and the API calls of a first
 * apply, a second apply, a plan and a drift check, split reads / mutations / polls.
 */
final class CriticalPathBench {

  /**
   * The order the Google guides walk through: Redis, then the connector (on its subnet), firewall,
   * then the static-IP guide's router, address and NAT, then deploy the service and check.
   */
  static final List<StepKind> MANUAL_ORDER =
      List.of(
          StepKind.NETWORK,
          StepKind.REDIS_INSTANCE,
          StepKind.REDIS_AUTH_SECRET,
          StepKind.EGRESS_SUBNET,
          StepKind.VPC_CONNECTOR,
          StepKind.FIREWALL,
          StepKind.CLOUD_ROUTER,
          StepKind.STATIC_ADDRESS,
          StepKind.CLOUD_NAT,
          StepKind.CLOUD_RUN_SERVICE,
          StepKind.VERIFY);

  private final ResultTable table;
  private final int reps;

  CriticalPathBench(ResultTable table, int reps) {
    this.table = table;
    this.reps = reps;
  }

  /** One repetition: the parallel apply and what followed it, and the one-by-one apply. */
  private record Rep(
      InProcessJob.Result parallel,
      Calls firstApply,
      List<RecordedRequest> firstApplyLog,
      Calls secondApply,
      InProcessJob.Result second,
      Calls plan,
      Calls driftCheck,
      InProcessJob.Result sequential) {}

  void run() {
    JsonObject json = BenchRequests.largest("bench-apply");
    ProvisioningRequest request = MessageCodec.fromJson(json.toString(), ProvisioningRequest.class);
    Plan plan = DagPlanner.plan(request);
    Map<StepKind, Duration> weights = OperationDurations.stepWeights(plan);
    CriticalPath path = CriticalPath.of(plan, weights);

    LocalCloud.Builder builder = LocalCloud.builder().profile("scaled:" + OperationDurations.SCALE);
    OperationDurations.overrides().forEach(builder::duration);
    List<Rep> done = new ArrayList<>();
    try (LocalCloud cloud = builder.start();
        CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), OperationDurations.POLL_INITIAL_DELAY)) {
      Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
      env.put("RUNWIRE_POLL_INITIAL_DELAY", OperationDurations.POLL_INITIAL_DELAY.toString());
      InProcessJob job = new InProcessJob(env);
      Map<String, String> oneByOne =
          Map.of(
              "RUNWIRE_PARALLELISM",
              "1",
              "RUNWIRE_STEP_ORDER",
              MANUAL_ORDER.stream().map(StepKind::wire).collect(Collectors.joining(",")));

      // Warm-up (not counted): class loading and JIT of the clients and the engine.
      seed(cloud, seeds);
      expectOk(job.run("apply", json.toString(), Map.of()), "warm-up apply");

      for (int i = 0; i < reps; i++) {
        seed(cloud, seeds);
        cloud.resetLog();
        InProcessJob.Result parallel = job.run("apply", json.toString(), Map.of());
        expectOk(parallel, "apply");
        Calls first = Calls.of(cloud.counters());
        List<RecordedRequest> firstLog = cloud.requestLog();

        cloud.resetLog();
        InProcessJob.Result second = job.run("apply", json.toString(), Map.of());
        expectOk(second, "second apply");
        Calls secondCalls = Calls.of(cloud.counters());

        cloud.resetLog();
        expectOk(job.run("plan", json.toString(), Map.of()), "plan");
        Calls planCalls = Calls.of(cloud.counters());

        cloud.resetLog();
        expectOk(job.run("drift-check", json.toString(), Map.of()), "drift-check");
        Calls driftCalls = Calls.of(cloud.counters());

        seed(cloud, seeds);
        InProcessJob.Result sequential = job.run("apply", json.toString(), oneByOne);
        expectOk(sequential, "one-by-one apply");
        done.add(
            new Rep(
                parallel, first, firstLog, secondCalls, second, planCalls, driftCalls, sequential));
      }
    }
    report(plan, path, done);
  }

  private static void seed(LocalCloud cloud, CloudSeeds seeds) {
    cloud.reset();
    seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
    seeds.service(
        BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
  }

  private static void expectOk(InProcessJob.Result result, String what) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(what + " failed: " + result.failureSummary());
    }
  }

  private void report(Plan plan, CriticalPath path, List<Rep> reps) {
    double cp = path.length().toNanos() / 1e6;
    Stats wall = Stats.of(reps.stream().map(r -> r.parallel().wall().toNanos() / 1e6).toList());
    Stats ratio =
        Stats.of(reps.stream().map(r -> r.parallel().wall().toNanos() / 1e6 / cp).toList());
    Stats spanRatio =
        Stats.of(reps.stream().map(r -> r.parallel().stepSpan().toNanos() / 1e6 / cp).toList());
    Stats sequential =
        Stats.of(reps.stream().map(r -> r.sequential().wall().toNanos() / 1e6).toList());
    Stats speedUp =
        Stats.of(
            reps.stream()
                .map(r -> (double) r.sequential().wall().toNanos() / r.parallel().wall().toNanos())
                .toList());
    double bound = (double) path.total().toNanos() / path.length().toNanos();

    table.addValue(
        "1",
        "critical path of the largest request (" + path.chainText() + ")",
        millis(cp),
        "from " + plan.nodes().size() + " planned steps, scaled ÷" + OperationDurations.SCALE,
        Verdict.INFO);
    table.add(
        "1", "apply wall time, parallel (runwire)", wall, ResultTable::millis, "", Verdict.INFO);
    table.add(
        "1",
        "**wall ÷ critical path**",
        ratio,
        ResultTable::ratio,
        "≤ 1.05",
        ratio.median() <= 1.05 ? Verdict.MET : Verdict.MISSED);
    table.add(
        "1",
        "steps' span ÷ critical path (first step start → last step end)",
        spanRatio,
        ResultTable::ratio,
        "",
        Verdict.INFO);
    table.add(
        "1",
        "apply wall time, one by one in the manual guides' order",
        sequential,
        ResultTable::millis,
        "",
        Verdict.INFO);
    table.add(
        "1",
        "**speed-up** (one by one ÷ runwire)",
        speedUp,
        ResultTable::times,
        "best possible " + times(bound) + " (sum of ops ÷ critical path)",
        Verdict.INFO);

    gapNotes(path, reps);
    callRows(plan, reps);
  }

  /** Where the time beyond the critical path goes, step by step along the chain. */
  private void gapNotes(CriticalPath path, List<Rep> reps) {
    Map<StepKind, Duration> weights = new LinkedHashMap<>();
    for (OperationDurations.Operation op : OperationDurations.APPLY) {
      weights.merge(op.step(), OperationDurations.scaled(op.realistic()), Duration::plus);
    }
    StringBuilder chain = new StringBuilder();
    for (StepKind kind : path.chain()) {
      List<Double> over = new ArrayList<>();
      for (Rep rep : reps) {
        StepEvent e = rep.parallel().endedSteps().get(kind.wire());
        if (e != null && e.durationMs() != null) {
          over.add((double) e.durationMs() - weights.getOrDefault(kind, Duration.ZERO).toMillis());
        }
      }
      if (over.isEmpty()) {
        continue;
      }
      if (chain.length() > 0) {
        chain.append(", ");
      }
      chain
          .append(kind.wire())
          .append(" +")
          .append(String.format(Locale.ROOT, "%.0f", Stats.of(over).median()))
          .append(" ms");
    }
    List<Double> before = new ArrayList<>();
    List<Double> after = new ArrayList<>();
    List<Double> between = new ArrayList<>();
    for (Rep rep : reps) {
      InProcessJob.Result r = rep.parallel();
      var ended = r.endedSteps();
      var firstStart =
          ended.values().stream()
              .map(StepEvent::startedAt)
              .min(java.util.Comparator.naturalOrder());
      var lastEnd =
          ended.values().stream()
              .map(StepEvent::finishedAt)
              .max(java.util.Comparator.naturalOrder());
      if (firstStart.isPresent() && lastEnd.isPresent()) {
        before.add(Duration.between(r.started(), firstStart.get()).toNanos() / 1e6);
        after.add(Duration.between(lastEnd.get(), r.finished()).toNanos() / 1e6);
      }
      // Hand-over between dependent steps on the chain: child start − parent end.
      StepKind prev = null;
      double sum = 0;
      for (StepKind kind : path.chain()) {
        StepEvent cur = ended.get(kind.wire());
        if (prev != null && cur != null && ended.get(prev.wire()) != null) {
          sum +=
              Duration.between(ended.get(prev.wire()).finishedAt(), cur.startedAt()).toNanos()
                  / 1e6;
        }
        prev = kind;
      }
      between.add(sum);
    }
    table.note(
        "Figure 1, where the time beyond the critical path goes (medians over "
            + reps.size()
            + " runs): before the first step (validation, clients) "
            + fmt(before)
            + " ms; each chain step's duration minus its operation: "
            + chain
            + "; hand-over between chain steps "
            + fmt(between)
            + " ms; after the last step (run event, closing clients) "
            + fmt(after)
            + " ms.");
    pollOvershootNote(reps);
  }

  /**
   * For each operation the chain waits on, how late the poll that saw it done came: the last poll
   * of the operation minus (mutation + configured duration). Operations are matched to their
   * mutation by API and order, which is unambiguous for Redis and Run (one operation each).
   */
  private void pollOvershootNote(List<Rep> reps) {
    Map<String, List<Double>> late = new LinkedHashMap<>();
    Map<String, List<Double>> polls = new LinkedHashMap<>();
    for (Rep rep : reps) {
      for (String api : List.of("redis", "vpcaccess", "run")) {
        List<RecordedRequest> log = rep.firstApplyLog();
        RecordedRequest mutation = null;
        RecordedRequest lastPoll = null;
        int n = 0;
        for (RecordedRequest r : log) {
          if (!r.api().equals(api)) {
            continue;
          }
          if (r.kind() == RequestKind.MUTATION && mutation == null && r.status() < 300) {
            mutation = r;
          } else if (r.kind() == RequestKind.POLL && mutation != null) {
            lastPoll = r;
            n++;
          }
        }
        if (mutation == null || lastPoll == null) {
          continue;
        }
        Duration configured = configured(api);
        if (configured == null) {
          continue;
        }
        double ms =
            Duration.between(mutation.at(), lastPoll.at().minus(lastPoll.duration())).toNanos()
                    / 1e6
                - configured.toMillis();
        late.computeIfAbsent(api, k -> new ArrayList<>()).add(ms);
        polls.computeIfAbsent(api, k -> new ArrayList<>()).add((double) n);
      }
    }
    if (late.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    late.forEach(
        (api, values) -> {
          if (text.length() > 0) {
            text.append("; ");
          }
          text.append(api)
              .append(": ")
              .append(count(Stats.of(polls.get(api)).median()))
              .append(" polls, the one that saw it done came ")
              .append(fmt(values))
              .append(" ms after it finished");
        });
    table.note(
        "Figure 1, operation polling (initial "
            + OperationDurations.POLL_INITIAL_DELAY.toMillis()
            + " ms, ×1.5, cap "
            + WaitPolicy.of(OperationDurations.POLL_INITIAL_DELAY, Duration.ofMinutes(30))
                .maxDelay()
                .toMillis()
            + " ms, gax jitter): "
            + text
            + ".");
  }

  private static Duration configured(String api) {
    String prefix =
        switch (api) {
          case "redis" -> "redis.create";
          case "vpcaccess" -> "vpcaccess.connector.create";
          case "run" -> "run.service.update";
          default -> null;
        };
    return prefix == null ? null : OperationDurations.overrides().get(prefix);
  }

  private void callRows(Plan plan, List<Rep> reps) {
    long resources = plan.order().stream().filter(k -> k != StepKind.VERIFY).count();
    Rep first = reps.get(0);
    table.addValue(
        "2",
        "API calls, first apply (reads / mutations / polls)",
        spread(reps, Rep::firstApply),
        "",
        Verdict.INFO);
    Calls second = first.secondApply();
    boolean secondOk =
        reps.stream()
            .allMatch(
                r -> r.secondApply().mutations() == 0 && r.secondApply().reads() <= resources);
    table.addValue(
        "2",
        "API calls, second apply (reads / mutations / polls)",
        spread(reps, Rep::secondApply),
        "0 mutations, ≤ 1 read per resource (" + resources + ")",
        secondOk ? Verdict.MET : Verdict.MISSED);
    table.addValue(
        "2",
        "API calls, plan (reads / mutations / polls)",
        spread(reps, Rep::plan),
        "",
        Verdict.INFO);
    table.addValue(
        "2",
        "API calls, drift-check of one target (reads / mutations / polls)",
        spread(reps, Rep::driftCheck),
        "",
        Verdict.INFO);
    table.note(
        "Figure 2, calls per API (reads/mutations/polls), first run: first apply "
            + first.firstApply().perApiText()
            + "; second apply "
            + second.perApiText()
            + "; plan "
            + first.plan().perApiText()
            + "; drift-check "
            + first.driftCheck().perApiText()
            + ".");

    // Polls per minute of (real-time) operation time, against what the backoff allows.
    double opMinutes =
        OperationDurations.APPLY.stream().mapToLong(op -> op.realistic().toMillis()).sum()
            / 60_000.0;
    Stats pollsPerMinute =
        Stats.of(reps.stream().map(r -> r.firstApply().polls() / opMinutes).toList());
    WaitPolicy waits = WaitPolicy.of(Duration.ofSeconds(5), Duration.ofMinutes(30));
    PollSchedule jittered =
        new PollSchedule(waits.initialDelay(), waits.maxDelay(), waits.multiplier(), true);
    PollSchedule plain =
        new PollSchedule(waits.initialDelay(), waits.maxDelay(), waits.multiplier(), false);
    double expected = 0;
    double expectedPlain = 0;
    for (OperationDurations.Operation op : OperationDurations.APPLY) {
      expected += jittered.expectedPolls(op.realistic());
      expectedPlain += plain.expectedPolls(op.realistic());
    }
    table.add(
        "2",
        "operation polls per minute of operation time (first apply, "
            + String.format(Locale.ROOT, "%.1f", opMinutes)
            + " real-time op-minutes)",
        pollsPerMinute,
        ResultTable::count,
        String.format(
            Locale.ROOT,
            "backoff: %.1f expected with gax jitter (%.1f without); a fixed 5 s interval: 12",
            expected / opMinutes,
            expectedPlain / opMinutes),
        pollsPerMinute.median() <= expected / opMinutes * 1.5 ? Verdict.MET : Verdict.MISSED);
  }

  private static String spread(List<Rep> reps, java.util.function.Function<Rep, Calls> which) {
    List<String> distinct = reps.stream().map(which).map(Calls::split).distinct().toList();
    return distinct.size() == 1 ? distinct.get(0) : String.join(" … ", distinct);
  }

  private static String fmt(List<Double> values) {
    return values.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", Stats.of(values).median());
  }
}
