package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.Action;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link Plan}: every step whose dependencies ended well starts at once on the executor; a
 * step whose dependency failed (or was skipped) is skipped with the cause, while independent
 * branches go on. {@link #sequential} runs one step at a time in the plan's order instead, for
 * deterministic tests and for timing the order a person would follow by hand.
 */
public final class DagRunner {

  private static final Logger LOG = Logger.getLogger(DagRunner.class.getName());

  private final Executor executor;
  private final StepListener listener;
  private final Clock clock;

  private DagRunner(Executor executor, StepListener listener, Clock clock) {
    this.executor = executor;
    this.listener = listener;
    this.clock = clock;
  }

  public static DagRunner parallel(Executor executor, StepListener listener, Clock clock) {
    return new DagRunner(executor, listener, clock);
  }

  /** One step at a time, in plan order (see {@link Plan#inOrder}), on the calling thread. */
  public static DagRunner sequential(StepListener listener, Clock clock) {
    return new DagRunner(null, listener, clock);
  }

  public RunResult run(Plan plan, Map<StepKind, Step> steps, RunContext ctx) {
    for (Plan.Node node : plan.nodes()) {
      if (!steps.containsKey(node.kind())) {
        throw new IllegalArgumentException("no step for " + node.kind().wire());
      }
    }
    return executor == null ? runSequentially(plan, steps, ctx) : runInParallel(plan, steps, ctx);
  }

  private RunResult runSequentially(Plan plan, Map<StepKind, Step> steps, RunContext ctx) {
    Map<StepKind, StepOutcome> outcomes = new LinkedHashMap<>();
    for (Plan.Node node : plan.nodes()) {
      Map<StepKind, StepOutcome> parents = new EnumMap<>(StepKind.class);
      node.dependsOn().forEach(p -> parents.put(p, outcomes.get(p)));
      outcomes.put(node.kind(), runOne(steps.get(node.kind()), parents, ctx));
    }
    return new RunResult(outcomes);
  }

  private RunResult runInParallel(Plan plan, Map<StepKind, Step> steps, RunContext ctx) {
    Map<StepKind, CompletableFuture<StepOutcome>> futures = new EnumMap<>(StepKind.class);
    for (Plan.Node node : plan.nodes()) {
      List<StepKind> parents = List.copyOf(node.dependsOn());
      CompletableFuture<?>[] waitFor =
          parents.stream().map(futures::get).toArray(CompletableFuture<?>[]::new);
      futures.put(
          node.kind(),
          CompletableFuture.allOf(waitFor)
              .thenApplyAsync(
                  ignored -> {
                    Map<StepKind, StepOutcome> ended = new EnumMap<>(StepKind.class);
                    parents.forEach(p -> ended.put(p, futures.get(p).join()));
                    return runOne(steps.get(node.kind()), ended, ctx);
                  },
                  executor));
    }
    Map<StepKind, StepOutcome> outcomes = new LinkedHashMap<>();
    for (Plan.Node node : plan.nodes()) {
      outcomes.put(node.kind(), futures.get(node.kind()).join());
    }
    return new RunResult(outcomes);
  }

  /** Runs one step (or skips it) and never throws: every problem becomes an outcome. */
  private StepOutcome runOne(Step step, Map<StepKind, StepOutcome> parents, RunContext ctx) {
    Instant start = clock.instant();
    Set<String> causes = new LinkedHashSet<>();
    parents.forEach(
        (kind, outcome) -> {
          if (outcome instanceof StepOutcome.Skipped skipped) {
            causes.add(skipped.message());
          } else if (!outcome.letsDependentsRun()) {
            causes.add(kind.wire() + " failed: " + outcome.message());
          }
        });
    StepOutcome outcome;
    if (!causes.isEmpty()) {
      outcome = new StepOutcome.Skipped(String.join("; ", causes));
    } else {
      listener.started(step, start);
      outcome = execute(step, ctx);
    }
    try {
      listener.ended(step, outcome, start, clock.instant());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a step listener failed", e);
    }
    return outcome;
  }

  private static StepOutcome execute(Step step, RunContext ctx) {
    try {
      StepOutcome outcome = step.execute(ctx.startStep(step.kind()));
      if (outcome == null) {
        throw new IllegalStateException(step.kind().wire() + " returned no outcome");
      }
      return outcome;
    } catch (RuntimeException | Error e) {
      if (!(ApiErrors.unwrap(e) instanceof StepFailure)) {
        LOG.log(Level.FINE, step.kind().wire() + " failed", e);
      }
      return new StepOutcome.Failed(Action.NONE, ApiErrors.toEventError(e), List.of());
    }
  }
}
