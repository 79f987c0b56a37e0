package dev.runwire.job;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.drift.DriftSweep;
import dev.runwire.job.drift.ListedInventory;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.events.EventSinks;
import dev.runwire.job.steps.Inventory;
import dev.runwire.job.steps.LiveInventory;
import dev.runwire.job.steps.StepFactory;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent.Status;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * One execution of a valid, allowed request: the clients, the step pool, one reconcile per target
 * (a scoped drift check sweeps this task's share of the managed services), then the run event and
 * the exit code.
 */
final class Execution {

  private final JobConfig config;
  private final EventSinks.Chosen sinks;
  private final PrintStream err;
  private final Clock clock;

  Execution(JobConfig config, EventSinks.Chosen sinks, PrintStream err, Clock clock) {
    this.config = config;
    this.sinks = sinks;
    this.err = err;
    this.clock = clock;
  }

  /** Runs the request (every target of a sweep), publishes the run event, flushes; exit code. */
  int run(ProvisioningRequest request) {
    Instant started = clock.instant();
    RetryPolicy retry = RetryPolicy.startingAt(config.retryInitialDelay());
    WaitPolicy waits = WaitPolicy.of(config.pollInitialDelay(), config.stepTimeout());
    ExecutorService pool = Executors.newFixedThreadPool(config.parallelism(), daemonThreads());
    List<RunResult> results = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    int targets = 1;
    EventError crash = null;
    try (CloudClients clients = new CloudClients(config.endpoints(), waits)) {
      Reconciler reconciler =
          new Reconciler(config, pool, sinks.all(), sinks.liveView(), retry, waits, clock);
      if (request.isScoped()) {
        ListedInventory inventory = new ListedInventory(clients, retry);
        List<DriftSweep.Target> mine =
            DriftSweep.shard(
                DriftSweep.discover(request.scope(), request.requestId(), inventory),
                config.taskIndex(),
                config.taskCount());
        targets = mine.size();
        StepFactory factory = new StepFactory(clients, inventory);
        for (DriftSweep.Target target : mine) {
          if (target.request() == null) {
            unchecked.add(target.region() + "/" + target.service() + ": " + target.problem());
            err.println(
                "cannot check "
                    + target.region()
                    + "/"
                    + target.service()
                    + ": "
                    + target.problem());
            continue;
          }
          results.add(reconciler.reconcile(target.request(), request.requestId(), factory));
        }
      } else {
        Inventory inventory = new LiveInventory(clients, retry);
        results.add(
            reconciler.reconcile(
                request, request.requestId(), new StepFactory(clients, inventory)));
      }
    } catch (RuntimeException e) {
      // Not a step's failure (those are outcomes): e.g. the sweep's list call was refused.
      crash = ApiErrors.toEventError(e);
      err.println("runwire-job failed: " + crash.code() + ": " + crash.message());
    } finally {
      pool.shutdownNow();
    }
    int code = exitCode(results, crash != null || !unchecked.isEmpty());
    EventError error = crash != null ? crash : firstError(results, unchecked);
    sinks.all().publish(runEvent(request, started, results, targets, code, error));
    sinks.all().close();
    return code;
  }

  static int exitCode(List<RunResult> results, boolean otherFailure) {
    if (otherFailure || results.stream().anyMatch(RunResult::anyFailed)) {
      return RunwireJob.STEP_FAILED;
    }
    return results.stream().anyMatch(RunResult::anyDrifted) ? RunwireJob.DRIFT : RunwireJob.OK;
  }

  private static EventError firstError(List<RunResult> results, List<String> unchecked) {
    for (RunResult result : results) {
      for (var entry : result.outcomes().entrySet()) {
        if (entry.getValue().status() == Status.FAILED) {
          EventError e = entry.getValue().error();
          return new EventError(e.code(), entry.getKey().wire() + ": " + e.message());
        }
      }
    }
    return unchecked.isEmpty()
        ? null
        : new EventError("UncheckableTarget", String.join("; ", unchecked));
  }

  private RunEvent runEvent(
      ProvisioningRequest request,
      Instant started,
      List<RunResult> results,
      int targets,
      int code,
      EventError error) {
    Instant finished = clock.instant();
    RunEvent.Outcome status =
        switch (code) {
          case RunwireJob.OK -> RunEvent.Outcome.SUCCEEDED;
          case RunwireJob.DRIFT -> RunEvent.Outcome.DRIFTED;
          default -> RunEvent.Outcome.FAILED;
        };
    Map<String, String> outputs = results.size() == 1 ? results.get(0).outputs() : Map.of();
    return new RunEvent(
        null,
        request.requestId(),
        config.executionId(),
        request.mode().wire(),
        status,
        started,
        finished,
        Duration.between(started, finished).toMillis(),
        RunCounts.of(results),
        outputs,
        config.taskIndex(),
        config.taskCount(),
        targets,
        code,
        error,
        kept(results));
  }

  /** Every resource a step kept (destroy left it in place), with why and what to do. */
  private static List<RunEvent.Kept> kept(List<RunResult> results) {
    List<RunEvent.Kept> kept = new ArrayList<>();
    for (RunResult result : results) {
      result
          .outcomes()
          .forEach(
              (kind, outcome) -> {
                if (outcome instanceof StepOutcome.Kept k) {
                  kept.add(new RunEvent.Kept(kind.wire(), k.resource(), k.message()));
                }
              });
    }
    return kept;
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "runwire-step");
      t.setDaemon(true);
      return t;
    };
  }
}
