package dev.runwire.bench;

import static dev.runwire.bench.ResultTable.count;
import static dev.runwire.bench.ResultTable.millis;
import static dev.runwire.bench.ResultTable.ratio;
import static dev.runwire.bench.ResultTable.times;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
import java.time.Instant;
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
   * then the static-IP guide's router, address and NAT, then deploy the service and check it (the
   * probe job, then its run).
   */
  static final List<StepKind> MANUAL_ORDER =
      List.of(
          StepKind.NETWORK,
          StepKind.REDIS_INSTANCE,
          StepKind.REDIS_AUTH_SECRET,
          StepKind.REDIS_AUTH_ACCESS,
          StepKind.EGRESS_SUBNET,
          StepKind.VPC_CONNECTOR,
          StepKind.FIREWALL,
          StepKind.CLOUD_ROUTER,
          StepKind.STATIC_ADDRESS,
          StepKind.CLOUD_NAT,
          StepKind.CLOUD_RUN_SERVICE,
          StepKind.PROBE_JOB,
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
      ProbeRun probe,
      Calls firstApply,
      List<RecordedRequest> firstApplyLog,
      JsonArray firstApplyOps,
      Calls secondApply,
      Calls secondApplyVerify,
      Calls plan,
      Calls driftCheck,
      InProcessJob.Result fastPoll,
      Calls fastPollCalls,
      List<RecordedRequest> fastPollLog,
      JsonArray fastPollOps,
      InProcessJob.Result sequential) {}

  /**
   * The variant's poll delay: half the default (2.5 s at real durations), which also halves the cap
   * (six times the first delay: 15 s instead of 30 s).
   */
  static final Duration FAST_POLL = OperationDurations.POLL_INITIAL_DELAY.dividedBy(2);

  void run() {
    JsonObject json = BenchRequests.largest("bench-apply");
    ProvisioningRequest request = MessageCodec.fromJson(json.toString(), ProvisioningRequest.class);
    Plan plan = DagPlanner.plan(request);
    Map<StepKind, Duration> weights = OperationDurations.stepWeights(plan);
    CriticalPath path = CriticalPath.of(plan, weights);

    LocalCloud.Builder builder = LocalCloud.builder().profile("scaled:" + OperationDurations.SCALE);
    OperationDurations.overrides().forEach(builder::duration);
    ProbeImage.mapped(builder);
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
        JsonObject firstState = cloud.state();
        JsonArray firstOps = firstState.getAsJsonArray("operations");
        ProbeRun probe =
            ProbeRun.of(firstState, cloud.networkLog())
                .orElseThrow(() -> new IllegalStateException("the apply ran no probe execution"));

        cloud.resetLog();
        InProcessJob.Result second = job.run("apply", json.toString(), Map.of());
        expectOk(second, "second apply");
        Calls secondCalls = Calls.of(cloud.counters());
        // verify runs last, alone: the requests from its start are its own (the probe's run).
        Instant verifyStart = second.endedSteps().get(StepKind.VERIFY.wire()).startedAt();
        Calls secondVerify =
            Calls.of(
                cloud.requestLog().stream()
                    .filter(r -> !r.at().minus(r.duration()).isBefore(verifyStart))
                    .toList());

        cloud.resetLog();
        expectOk(job.run("plan", json.toString(), Map.of()), "plan");
        Calls planCalls = Calls.of(cloud.counters());

        cloud.resetLog();
        expectOk(job.run("drift-check", json.toString(), Map.of()), "drift-check");
        Calls driftCalls = Calls.of(cloud.counters());

        seed(cloud, seeds);
        cloud.resetLog();
        InProcessJob.Result fast =
            job.run(
                "apply",
                json.toString(),
                Map.of("RUNWIRE_POLL_INITIAL_DELAY", FAST_POLL.toString()));
        expectOk(fast, "apply with a shorter poll delay");
        Calls fastCalls = Calls.of(cloud.counters());
        List<RecordedRequest> fastLog = cloud.requestLog();
        JsonArray fastOps = cloud.state().getAsJsonArray("operations");

        seed(cloud, seeds);
        InProcessJob.Result sequential = job.run("apply", json.toString(), oneByOne);
        expectOk(sequential, "one-by-one apply");
        done.add(
            new Rep(
                parallel,
                probe,
                first,
                firstLog,
                firstOps,
                secondCalls,
                secondVerify,
                planCalls,
                driftCalls,
                fast,
                fastCalls,
                fastLog,
                fastOps,
                sequential));
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
    // The probe's execution is on the chain like Redis create: its create and start are modeled
    // operations (weighed above), but its task is a real JVM the local cloud does not scale, so the
    // task's measured time is added to the chain.
    Stats probe = Stats.of(reps.stream().map(r -> r.probe().total()).toList());
    Stats probeShare =
        Stats.of(
            reps.stream()
                .map(r -> r.probe().total() / (r.parallel().wall().toNanos() / 1e6))
                .toList());
    Stats withProbe =
        Stats.of(
            reps.stream()
                .map(r -> r.parallel().wall().toNanos() / 1e6 / (cp + r.probe().task()))
                .toList());
    table.add(
        "1",
        "verify's probe execution (a real JVM running `runwire-job probe`): create → task done",
        probe,
        ResultTable::millis,
        "share of the wall time "
            + String.format(Locale.ROOT, "%.0f %%", probeShare.median() * 100)
            + "; its start is modeled, its task is a real JVM",
        Verdict.INFO);
    table.add(
        "1",
        "**wall ÷ critical path**, the probe's task weighed as measured",
        withProbe,
        ResultTable::ratio,
        "≤ 1.05",
        withProbe.median() <= 1.05 ? Verdict.MET : Verdict.MISSED);
    table.add(
        "1",
        "wall ÷ critical path of the modeled operations alone (the probe's task counted as overhead)",
        ratio,
        ResultTable::ratio,
        "",
        Verdict.INFO);
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
        "operations alone: " + times(bound) + " (their sum ÷ the critical path)",
        Verdict.INFO);

    Stats projected =
        projectedRealRatio(path, reps, Rep::parallel, Rep::firstApplyLog, Rep::firstApplyOps);
    table.add(
        "1",
        "wall ÷ critical path projected to real durations (only the chain's polling lateness"
            + " scales; fixed costs vanish)",
        projected,
        ResultTable::ratio,
        "≤ 1.05",
        projected.median() <= 1.05 ? Verdict.MET : Verdict.MISSED);
    Stats fastProjected =
        projectedRealRatio(path, reps, Rep::fastPoll, Rep::fastPollLog, Rep::fastPollOps);
    Stats fastPolls =
        Stats.of(reps.stream().map(r -> r.fastPollCalls().polls() / OP_MINUTES).toList());
    table.add(
        "1",
        "the same, RUNWIRE_POLL_INITIAL_DELAY halved ("
            + schedule(FAST_POLL.multipliedBy(OperationDurations.SCALE))
            + " real)",
        fastProjected,
        ResultTable::ratio,
        "costs "
            + count(fastPolls.median())
            + " polls per op-minute (default: "
            + count(
                Stats.of(reps.stream().map(r -> r.firstApply().polls() / OP_MINUTES).toList())
                    .median())
            + ")",
        fastProjected.median() <= 1.05 ? Verdict.MET : Verdict.MISSED);
    pollModelNote(path);

    gapNotes(path, reps);
    probeNote(reps);
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
    stepTimelineNote(reps);
  }

  /** Where the probe's execution spends its time, from the local cloud's records. */
  private void probeNote(List<Rep> reps) {
    List<Double> toRedis =
        reps.stream().map(r -> r.probe().toRedis()).filter(d -> !d.isNaN()).toList();
    List<Double> afterRedis =
        reps.stream().map(r -> r.probe().afterRedis()).filter(d -> !d.isNaN()).toList();
    List<Double> verifyOwn = new ArrayList<>();
    for (Rep rep : reps) {
      StepEvent verify = rep.parallel().endedSteps().get(StepKind.VERIFY.wire());
      if (verify != null && verify.durationMs() != null) {
        verifyOwn.add(verify.durationMs() - rep.probe().total());
      }
    }
    table.note(
        "Figure 1, verify's probe execution (medians over "
            + reps.size()
            + " runs, ms): created → started "
            + fmt(reps.stream().map(r -> r.probe().toStart()).toList())
            + " (the local cloud taking the run), started → its first connection to the Redis"
            + " instance's front "
            + fmt(toRedis)
            + " (the task's JVM starting, with "
            + String.join(" ", ProbeImage.flags())
            + (ProbeImage.archived() ? " and an AppCDS archive trained for it" : ", no AppCDS")
            + ", and loading the Redis client), → completed "
            + fmt(afterRedis)
            + " (PING, INCR, the JVM exiting); the verify step's own time beyond the execution "
            + fmt(verifyOwn)
            + " (reading the instance, running the job, seeing the execution done, reading the"
            + " job). The projection to real durations counts the polling lateness of Redis,"
            + " connector and service operations only: a Cloud Run job execution has no"
            + " published duration to scale.");
  }

  /** The APIs whose one operation a step waits on, and that step. */
  private static final Map<String, StepKind> OPERATION_STEPS =
      Map.of(
          "redis", StepKind.REDIS_INSTANCE,
          "vpcaccess", StepKind.VPC_CONNECTOR,
          "run", StepKind.CLOUD_RUN_SERVICE);

  /**
   * Inside a step that waits on one long-running operation of its own API (ms): from the step's
   * start to its first request (client creation), from there to the mutation (the observing read,
   * the create/update call), how late the poll that saw the operation done came, and from that poll
   * to the step's end (the re-read).
   */
  private record Timeline(
      double toFirstRequest,
      double toMutation,
      double doneLate,
      double seenLate,
      double toEnd,
      int polls) {}

  /**
   * @param operations the local cloud's operations after the run: their metadata's {@code endTime}
   *     says when each really finished (a Redis instance is done once its redis-server listens)
   */
  private static java.util.Optional<Timeline> timeline(
      InProcessJob.Result run, List<RecordedRequest> log, JsonArray operations, String api) {
    StepEvent step = run.endedSteps().get(OPERATION_STEPS.get(api).wire());
    if (step == null || step.startedAt() == null) {
      return java.util.Optional.empty();
    }
    RecordedRequest first = null;
    RecordedRequest mutation = null;
    RecordedRequest lastPoll = null;
    int polls = 0;
    for (RecordedRequest r : log) {
      // Only this step's own requests: other steps call the same API (Run: the probe job).
      Instant arrived = r.at().minus(r.duration());
      if (!r.api().equals(api)
          || arrived.isBefore(step.startedAt())
          || (step.finishedAt() != null && arrived.isAfter(step.finishedAt()))) {
        continue;
      }
      if (first == null) {
        first = r;
      }
      if (r.kind() == RequestKind.MUTATION && mutation == null && r.status() < 300) {
        mutation = r;
      } else if (r.kind() == RequestKind.POLL && mutation != null) {
        lastPoll = r;
        polls++;
      }
    }
    if (first == null || mutation == null || lastPoll == null) {
      return java.util.Optional.empty();
    }
    Instant firstArrived = first.at().minus(first.duration());
    Instant due = mutation.at().plus(configured(api));
    Instant done = endTime(operations, lastPoll.path()).orElse(due);
    return java.util.Optional.of(
        new Timeline(
            ms(step.startedAt(), firstArrived),
            ms(firstArrived, mutation.at()),
            ms(due, done),
            ms(done, lastPoll.at()),
            ms(lastPoll.at(), step.finishedAt()),
            polls));
  }

  /** The {@code metadata.endTime} of the operation polled at {@code pollPath}, if it has one. */
  private static java.util.Optional<Instant> endTime(JsonArray operations, String pollPath) {
    String name = pollPath.replaceFirst("^/v\\d+/", "");
    for (JsonElement e : operations) {
      JsonObject op = e.getAsJsonObject();
      if (op.has("name")
          && op.get("name").getAsString().equals(name)
          && op.has("metadata")
          && op.getAsJsonObject("metadata").has("endTime")) {
        return java.util.Optional.of(
            Instant.parse(op.getAsJsonObject("metadata").get("endTime").getAsString()));
      }
    }
    return java.util.Optional.empty();
  }

  private void stepTimelineNote(List<Rep> reps) {
    StringBuilder text = new StringBuilder();
    for (String api : List.of("redis", "vpcaccess", "run")) {
      List<Timeline> all =
          reps.stream()
              .map(r -> timeline(r.parallel(), r.firstApplyLog(), r.firstApplyOps(), api))
              .flatMap(java.util.Optional::stream)
              .toList();
      if (all.isEmpty()) {
        continue;
      }
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(OPERATION_STEPS.get(api).wire())
          .append(": to its first request ")
          .append(fmt(all.stream().map(Timeline::toFirstRequest).toList()))
          .append(", to the mutation ")
          .append(fmt(all.stream().map(Timeline::toMutation).toList()))
          .append(", operation ")
          .append(configured(api).toMillis())
          .append(", done ")
          .append(fmt(all.stream().map(Timeline::doneLate).toList()))
          .append(" after that (the local cloud's own work), seen done ")
          .append(fmt(all.stream().map(Timeline::seenLate).toList()))
          .append(" later by poll ")
          .append(fmt(all.stream().map(t -> (double) t.polls()).toList()))
          .append(", then to the step's end ")
          .append(fmt(all.stream().map(Timeline::toEnd).toList()));
    }
    if (text.length() > 0) {
      table.note(
          "Figure 1, inside the steps that wait on an operation (ms, medians; polling from "
              + OperationDurations.POLL_INITIAL_DELAY.toMillis()
              + " ms ×1.5 to a cap of "
              + WaitPolicy.of(OperationDurations.POLL_INITIAL_DELAY, Duration.ofMinutes(30))
                  .maxDelay()
                  .toMillis()
              + " ms, each delay jittered by gax): "
              + text
              + ".");
    }
  }

  /**
   * The ratio at real durations: polling lateness scales with the durations (the schedule is scaled
   * with them) while fixed costs (client creation, HTTP round trips) do not, so at ×{@link
   * OperationDurations#SCALE} only the lateness of the chain's operations stays.
   */
  private static Stats projectedRealRatio(
      CriticalPath path,
      List<Rep> reps,
      java.util.function.Function<Rep, InProcessJob.Result> run,
      java.util.function.Function<Rep, List<RecordedRequest>> log,
      java.util.function.Function<Rep, JsonArray> operations) {
    List<Double> out = new ArrayList<>();
    for (Rep rep : reps) {
      double late = 0;
      for (var e : OPERATION_STEPS.entrySet()) {
        if (path.chain().contains(e.getValue())) {
          late +=
              timeline(run.apply(rep), log.apply(rep), operations.apply(rep), e.getKey())
                  .map(Timeline::seenLate)
                  .orElse(0.0);
        }
      }
      out.add(1 + late / (path.length().toNanos() / 1e6));
    }
    return Stats.of(out);
  }

  /** How the job's wait policy polls from {@code initial}: e.g. {@code 5 s ×1.5, cap 15 s}. */
  static String schedule(Duration initial) {
    WaitPolicy w = WaitPolicy.of(initial, Duration.ofMinutes(30));
    return String.format(
        Locale.ROOT,
        "%s ×%s, cap %s",
        seconds(w.initialDelay()),
        new java.text.DecimalFormat("0.##").format(w.multiplier()),
        seconds(w.maxDelay()));
  }

  private static String seconds(Duration d) {
    return new java.text.DecimalFormat("0.##").format(d.toMillis() / 1000.0) + " s";
  }

  /**
   * The same projection from a model of the schedule alone ({@link PollSchedule}, real durations,
   * no fixed costs): the job's schedule, the halved delay, and caps of 30, 15 and 10 s.
   */
  private void pollModelNote(CriticalPath path) {
    StringBuilder text = new StringBuilder();
    record Option(String name, Duration initial, Duration cap) {}
    WaitPolicy job = WaitPolicy.of(Duration.ofSeconds(5), Duration.ofMinutes(30));
    WaitPolicy halved = WaitPolicy.of(Duration.ofMillis(2500), Duration.ofMinutes(30));
    List<Option> options = new ArrayList<>();
    options.add(
        new Option(
            "the job's (" + schedule(Duration.ofSeconds(5)) + ")",
            job.initialDelay(),
            job.maxDelay()));
    options.add(
        new Option(
            "halved (" + schedule(Duration.ofMillis(2500)) + ")",
            halved.initialDelay(),
            halved.maxDelay()));
    for (int cap : new int[] {30, 15, 10}) {
      if (job.maxDelay().toSeconds() != cap) {
        options.add(
            new Option(
                "5 s ×1.5, cap " + cap + " s", Duration.ofSeconds(5), Duration.ofSeconds(cap)));
      }
    }
    for (Option o : options) {
      PollSchedule schedule = new PollSchedule(o.initial(), o.cap(), job.multiplier(), true);
      double late = 0;
      double polls = 0;
      Duration length = Duration.ZERO;
      for (OperationDurations.Operation op : OperationDurations.APPLY) {
        PollSchedule.Expectation e = schedule.expect(op.realistic());
        polls += e.polls();
        if (path.chain().contains(op.step())) {
          late += e.lateness().toMillis() / 1000.0;
          length = length.plus(op.realistic());
        }
      }
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(o.name())
          .append(
              String.format(
                  Locale.ROOT,
                  " %.3f at %.1f polls per op-minute",
                  1 + late / length.toSeconds(),
                  polls / OP_MINUTES));
    }
    table.note(
        "Figure 1, model of the polling schedule alone (expected lateness of the chain's operations"
            + " ÷ the critical path at real durations, gax jitter, "
            + "no fixed costs): "
            + text
            + ".");
  }

  private static double ms(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static Duration configured(String api) {
    String prefix =
        switch (api) {
          case "redis" -> "redis.create";
          case "vpcaccess" -> "vpcaccess.create";
          default -> "run.service.update";
        };
    return OperationDurations.overrides().get(prefix);
  }

  private void callRows(Plan plan, List<Rep> reps) {
    long resources = plan.order().stream().filter(k -> k != StepKind.VERIFY).count();
    Rep first = reps.get(0);
    callRow("first apply", reps, Rep::firstApply, "", Verdict.INFO);
    java.util.function.Function<Rep, Calls> resourceSteps =
        r ->
            new Calls(
                r.secondApply().reads() - r.secondApplyVerify().reads(),
                r.secondApply().mutations() - r.secondApplyVerify().mutations(),
                r.secondApply().polls() - r.secondApplyVerify().polls(),
                r.secondApply().errors() - r.secondApplyVerify().errors(),
                Map.of());
    boolean secondOk =
        reps.stream()
            .map(resourceSteps)
            .allMatch(c -> c.mutations() == 0 && c.reads() <= resources);
    callRow("second apply, every step", reps, Rep::secondApply, "", Verdict.INFO);
    callRow(
        "second apply, the resource steps (verify's probe run excluded)",
        reps,
        resourceSteps,
        "0 mutations, ≤ 1 read per resource (" + resources + " resources)",
        secondOk ? Verdict.MET : Verdict.MISSED);
    callRow(
        "second apply, verify alone (one probe execution: run, wait, read its result)",
        reps,
        Rep::secondApplyVerify,
        "",
        Verdict.INFO);
    callRow("plan", reps, Rep::plan, "", Verdict.INFO);
    callRow("drift-check of one target", reps, Rep::driftCheck, "", Verdict.INFO);
    table.note(
        "Figure 2, calls per API (reads/mutations/polls) in the first repetition: first apply "
            + first.firstApply().perApiText()
            + "; second apply "
            + first.secondApply().perApiText()
            + "; plan "
            + first.plan().perApiText()
            + "; drift-check "
            + first.driftCheck().perApiText()
            + ". Non-2xx answers in a first apply are the 404s of reading what does not exist"
            + " yet.");

    // Polls per minute of (real-time) operation time, against what the backoff allows.
    Stats pollsPerMinute =
        Stats.of(reps.stream().map(r -> r.firstApply().polls() / OP_MINUTES).toList());
    double expected = expectedPollsPerMinute(Duration.ofSeconds(5), true);
    table.add(
        "2",
        "operation polls per minute of operation time (first apply, "
            + String.format(Locale.ROOT, "%.1f", OP_MINUTES)
            + " real op-minutes)",
        pollsPerMinute,
        ResultTable::count,
        String.format(
            Locale.ROOT,
            "bounded by the backoff: %.1f expected (%.1f without gax jitter); a fixed 5 s"
                + " interval: 12",
            expected,
            expectedPollsPerMinute(Duration.ofSeconds(5), false)),
        pollsPerMinute.median() <= expected * 1.25 ? Verdict.MET : Verdict.MISSED);
  }

  /** The real-time minutes of operations in a first apply. */
  private static final double OP_MINUTES =
      OperationDurations.APPLY.stream().mapToLong(op -> op.realistic().toMillis()).sum() / 60_000.0;

  /** What the job's schedule (from {@code initial}, ×1.5, capped) polls per operation-minute. */
  private static double expectedPollsPerMinute(Duration initial, boolean jittered) {
    WaitPolicy waits = WaitPolicy.of(initial, Duration.ofMinutes(30));
    PollSchedule schedule =
        new PollSchedule(waits.initialDelay(), waits.maxDelay(), waits.multiplier(), jittered);
    double polls = 0;
    for (OperationDurations.Operation op : OperationDurations.APPLY) {
      polls += schedule.expectedPolls(op.realistic());
    }
    return polls / OP_MINUTES;
  }

  /** A row of calls: medians of reads / mutations / polls; min and max of the total. */
  private void callRow(
      String what,
      List<Rep> reps,
      java.util.function.Function<Rep, Calls> which,
      String target,
      Verdict verdict) {
    Stats total = Stats.of(reps.stream().map(which).map(Calls::total).toList());
    table.addRow(
        "2",
        "API calls, " + what + " (reads / mutations / polls)",
        spread(reps, which),
        count(total.min()),
        count(total.max()),
        reps.size(),
        target,
        verdict);
  }

  /** Reads / mutations / polls, each the median over the runs. */
  private static String spread(List<Rep> reps, java.util.function.Function<Rep, Calls> which) {
    List<Calls> calls = reps.stream().map(which).toList();
    return count(Stats.of(calls.stream().map(Calls::reads).toList()).median())
        + " / "
        + count(Stats.of(calls.stream().map(Calls::mutations).toList()).median())
        + " / "
        + count(Stats.of(calls.stream().map(Calls::polls).toList()).median());
  }

  private static String fmt(List<Double> values) {
    return values.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", Stats.of(values).median());
  }
}
