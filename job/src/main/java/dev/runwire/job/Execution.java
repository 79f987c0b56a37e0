package dev.runwire.job;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.drift.DriftSweep;
import dev.runwire.job.drift.ListedInventory;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.events.EventSinks;
import dev.runwire.job.steps.Inventory;
import dev.runwire.job.steps.LiveInventory;
import dev.runwire.job.steps.StepFactory;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.cloud.EventPublishException;
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
 *
 * <p>Drift found is exit 3 on the command line. As a Cloud Run task it is exit 0: Cloud Run counts
 * any other exit as a failed task, retries it ({@code maxRetries}) and shows the execution as
 * failed, so the drift would be reported again and look like a fault. The run event says drift was
 * found either way (status {@code drifted}, {@code drift} counts).
 */
final class Execution {

  /** The run event's error code when step events could not be published. */
  static final String EVENTS_NOT_DELIVERED = "EventsNotDelivered";

  /** How long the run event is republished before the task gives up and exits 1. */
  static final Duration DELIVERY_DEADLINE = Duration.ofMinutes(2);

  private static final Duration MAX_DELIVERY_PAUSE = Duration.ofSeconds(8);

  private final JobConfig config;
  private final EventSinks.Chosen sinks;
  private final PrintStream err;
  private final Clock clock;
  private final boolean cloudRunTask;
  private final Duration deliveryDeadline;

  /**
   * @param cloudRunTask running as a Cloud Run task ({@code CLOUD_RUN_EXECUTION} is set)
   */
  Execution(
      JobConfig config,
      EventSinks.Chosen sinks,
      PrintStream err,
      Clock clock,
      boolean cloudRunTask) {
    this(config, sinks, err, clock, cloudRunTask, DELIVERY_DEADLINE);
  }

  Execution(
      JobConfig config,
      EventSinks.Chosen sinks,
      PrintStream err,
      Clock clock,
      boolean cloudRunTask,
      Duration deliveryDeadline) {
    this.config = config;
    this.sinks = sinks;
    this.err = err;
    this.clock = clock;
    this.cloudRunTask = cloudRunTask;
    this.deliveryDeadline = deliveryDeadline;
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
        StepFactory factory = new StepFactory(clients, inventory, config.probeImage());
        for (DriftSweep.Target target : mine) {
          if (target instanceof DriftSweep.Checkable checkable) {
            results.add(reconciler.reconcile(checkable.request(), request.requestId(), factory));
          } else if (target instanceof DriftSweep.Uncheckable uncheckable) {
            String what = target.region() + "/" + target.service() + ": " + uncheckable.problem();
            unchecked.add(what);
            err.println("cannot check " + what);
          }
        }
      } else {
        // Client creation and its first class loading are fixed costs on the steps of the chain:
        // pay them on a background thread while the first steps run.
        clients.prepare(DagPlanner.plan(request).order());
        Inventory inventory = new LiveInventory(clients, retry);
        results.add(
            reconciler.reconcile(
                request,
                request.requestId(),
                new StepFactory(clients, inventory, config.probeImage())));
      }
    } catch (RuntimeException e) {
      // Not a step's failure (those are outcomes): e.g. the sweep's list call was refused.
      crash = ApiErrors.toEventError(e);
      err.println("runwire-job failed: " + crash.code() + ": " + crash.message());
    } finally {
      pool.shutdownNow();
    }
    boolean failed = crash != null || !unchecked.isEmpty();
    RunEvent.Outcome status = outcome(results, failed);
    ExitCode code = exitCode(status, cloudRunTask);
    EventError error = crash != null ? crash : firstError(results, unchecked);
    // Step events first: a failed one pauses the request's ordering key in the Pub/Sub client
    // until flush resumes it, and the run event must not be published into a paused key.
    if (!flushed() && code == ExitCode.OK) {
      code = ExitCode.STEP_FAILED;
      if (error == null) {
        error =
            new EventError(
                EVENTS_NOT_DELIVERED,
                "step events could not be published; the task exits 1 so Cloud Run runs it"
                    + " again and reports the steps anew");
      }
    }
    RunEvent run = runEvent(request, started, results, targets, status, code, error);
    if (!delivered(run) && code == ExitCode.OK) {
      code = ExitCode.STEP_FAILED;
    }
    sinks.all().close();
    return code.code();
  }

  /** Waits for every event published so far; false when one could not be delivered. */
  private boolean flushed() {
    try {
      sinks.all().flush();
      return true;
    } catch (EventPublishException e) {
      err.println("runwire-job: " + e.getMessage());
      return false;
    }
  }

  /**
   * Publishes the run event and republishes it until Pub/Sub acknowledges it or {@link
   * #deliveryDeadline} passes: it is how the function's caller learns the outcome, so a task whose
   * run event is lost exits 1 and Cloud Run runs it again rather than leaving the request silent.
   */
  private boolean delivered(RunEvent run) {
    long deadline = System.nanoTime() + deliveryDeadline.toNanos();
    Duration pause = Duration.ofMillis(250);
    for (int attempt = 1; ; attempt++) {
      sinks.all().publish(run);
      if (flushed()) {
        return true;
      }
      if (System.nanoTime() + pause.toNanos() > deadline) {
        err.println(
            "runwire-job: the run event could not be published after "
                + attempt
                + " attempts; exiting 1 so Cloud Run runs the task again");
        return false;
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = pause.multipliedBy(2);
      if (pause.compareTo(MAX_DELIVERY_PAUSE) > 0) {
        pause = MAX_DELIVERY_PAUSE;
      }
    }
  }

  static RunEvent.Outcome outcome(List<RunResult> results, boolean otherFailure) {
    if (otherFailure || results.stream().anyMatch(RunResult::anyFailed)) {
      return RunEvent.Outcome.FAILED;
    }
    return results.stream().anyMatch(RunResult::anyDrifted)
        ? RunEvent.Outcome.DRIFTED
        : RunEvent.Outcome.SUCCEEDED;
  }

  static ExitCode exitCode(RunEvent.Outcome outcome, boolean cloudRunTask) {
    return switch (outcome) {
      case SUCCEEDED -> ExitCode.OK;
      case DRIFTED -> cloudRunTask ? ExitCode.OK : ExitCode.DRIFT;
      case FAILED -> ExitCode.STEP_FAILED;
    };
  }

  /** Plan and drift check: drifted services and differing fields; null for other modes. */
  static RunEvent.Drift drift(ProvisioningRequest request, List<RunResult> results) {
    if (request.mode() != ProvisioningRequest.Mode.PLAN
        && request.mode() != ProvisioningRequest.Mode.DRIFT_CHECK) {
      return null;
    }
    int services = 0;
    int fields = 0;
    for (RunResult result : results) {
      if (!result.anyDrifted()) {
        continue;
      }
      services++;
      for (var outcome : result.outcomes().values()) {
        if (outcome.status() == Status.DRIFTED) {
          fields += Math.max(1, outcome.diff().size());
        }
      }
    }
    return new RunEvent.Drift(services, fields);
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
      RunEvent.Outcome status,
      ExitCode code,
      EventError error) {
    Instant finished = clock.instant();
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
        code.code(),
        error,
        drift(request, results),
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
