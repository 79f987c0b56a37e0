package dev.runwire.job.engine;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.FIREWALL;
import static dev.runwire.job.engine.StepKind.NETWORK;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DagRunnerTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final StepListener recorder =
      new StepListener() {
        @Override
        public void started(Step step, Instant at) {
          events.add(step.kind().wire() + " started");
        }

        @Override
        public void ended(Step step, StepOutcome outcome, Instant startedAt, Instant endedAt) {
          events.add(step.kind().wire() + " " + outcome.status().wire());
        }
      };

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void independentStepsRunAtTheSameTime() {
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    Function<StepKind, StepOutcome> body =
        kind -> {
          if (kind == EGRESS_SUBNET || kind == REDIS_INSTANCE) {
            try {
              // Fails with a timeout unless the other one is running at the same time.
              bothRunning.await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("not run in parallel", e);
            }
          }
          return ok();
        };
    ProvisioningRequest request = TestRequests.directVpc(false);

    RunResult result = runParallel(request, body);

    assertTrue(!result.anyFailed(), () -> "outcomes: " + result.outcomes());
  }

  @Test
  void aFailedStepSkipsItsDependentsWhileIndependentBranchesFinish() {
    ProvisioningRequest request = TestRequests.directVpc(true);

    RunResult result =
        runParallel(
            request,
            kind -> {
              if (kind == EGRESS_SUBNET) {
                throw new StepFailure(Reasons.CANNOT_CREATE, "range overlaps 10.8.0.0/24");
              }
              return ok();
            });

    assertEquals(Status.FAILED, result.outcome(EGRESS_SUBNET).status());
    assertEquals(Reasons.CANNOT_CREATE, result.outcome(EGRESS_SUBNET).error().code());
    for (StepKind skipped : List.of(CLOUD_NAT, CLOUD_RUN_SERVICE, VERIFY)) {
      assertEquals(Status.SKIPPED, result.outcome(skipped).status(), skipped.wire());
      assertTrue(
          result.outcome(skipped).message().contains("egress-subnet failed: range overlaps"),
          result.outcome(skipped).message());
    }
    for (StepKind ran : List.of(NETWORK, REDIS_INSTANCE, FIREWALL, STATIC_ADDRESS, CLOUD_ROUTER)) {
      assertEquals(Status.SUCCEEDED, result.outcome(ran).status(), ran.wire());
    }
    assertTrue(events.contains("verify skipped"));
    assertTrue(!events.contains("verify started"), "a skipped step never starts");
  }

  @Test
  void sequentialRunFollowsTheGivenOrderOneStepAtATime() {
    ProvisioningRequest request = TestRequests.directVpc(true);
    Plan plan =
        DagPlanner.plan(request)
            .inOrder(List.of(NETWORK, STATIC_ADDRESS, CLOUD_ROUTER, REDIS_INSTANCE, EGRESS_SUBNET));
    List<StepKind> ran = Collections.synchronizedList(new ArrayList<>());

    DagRunner.sequential(recorder, Clock.systemUTC())
        .run(
            plan,
            fakeSteps(
                plan,
                kind -> {
                  ran.add(kind);
                  return ok();
                }),
            context(request));

    assertEquals(plan.order(), ran);
    assertEquals(List.of(NETWORK, STATIC_ADDRESS, CLOUD_ROUTER, REDIS_INSTANCE), ran.subList(0, 4));
  }

  /** A step's typed output, as the Redis step hands on its endpoint. */
  record RedisHost(String host) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("redisHost", host);
    }
  }

  @Test
  void outputsOfAStepReachItsDependents() {
    ProvisioningRequest request = TestRequests.directVpc(false);
    Map<StepKind, String> seenHost = new EnumMap<>(StepKind.class);
    RunContext ctx = context(request);
    Plan plan = DagPlanner.plan(request);
    Map<StepKind, Step> steps = new EnumMap<>(StepKind.class);
    for (Plan.Node node : plan.nodes()) {
      steps.put(
          node.kind(),
          new FakeStep(
              node.kind(),
              stepCtx -> {
                stepCtx
                    .upstream(RedisHost.class)
                    .ifPresent(h -> seenHost.put(node.kind(), h.host()));
                if (node.kind() == REDIS_INSTANCE) {
                  stepCtx.provide(new RedisHost("10.0.0.3"));
                }
                Map<String, String> out =
                    node.kind() == REDIS_INSTANCE ? Map.of("redisHost", "10.0.0.3") : Map.of();
                return new StepOutcome.Succeeded(Action.NONE, List.of(), out, "ok");
              }));
    }

    RunResult result = DagRunner.parallel(pool, recorder, Clock.systemUTC()).run(plan, steps, ctx);

    assertEquals("10.0.0.3", seenHost.get(CLOUD_RUN_SERVICE));
    assertEquals("10.0.0.3", result.outputs().get("redisHost"));
  }

  @Test
  void everyStepThatRunsReportsStartAndEnd() {
    ProvisioningRequest request = TestRequests.directVpc(false);

    runParallel(request, kind -> ok());

    for (StepKind kind : DagPlanner.plan(request).order()) {
      assertTrue(events.indexOf(kind.wire() + " started") >= 0, kind.wire());
      assertTrue(
          events.indexOf(kind.wire() + " succeeded") > events.indexOf(kind.wire() + " started"));
    }
  }

  private RunResult runParallel(ProvisioningRequest request, Function<StepKind, StepOutcome> body) {
    Plan plan = DagPlanner.plan(request);
    return DagRunner.parallel(pool, recorder, Clock.systemUTC())
        .run(plan, fakeSteps(plan, body), context(request));
  }

  private static Map<StepKind, Step> fakeSteps(Plan plan, Function<StepKind, StepOutcome> body) {
    Map<StepKind, Step> steps = new EnumMap<>(StepKind.class);
    for (Plan.Node node : plan.nodes()) {
      steps.put(node.kind(), new FakeStep(node.kind(), ctx -> body.apply(node.kind())));
    }
    return steps;
  }

  static RunContext context(ProvisioningRequest request) {
    return new RunContext(
        request,
        "test-execution",
        RetryPolicy.standard(),
        WaitPolicy.of(Duration.ofMillis(1), Duration.ofSeconds(10)));
  }

  private static StepOutcome ok() {
    return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "ok");
  }

  private record FakeStep(StepKind kind, Function<StepContext, StepOutcome> body) implements Step {
    @Override
    public String resource() {
      return "//fake/" + kind.wire();
    }

    @Override
    public StepOutcome execute(StepContext ctx) {
      return body.apply(ctx);
    }
  }
}
