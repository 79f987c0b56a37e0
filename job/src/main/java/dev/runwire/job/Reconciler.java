package dev.runwire.job;

import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.DagRunner;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.RunContext;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.events.LiveConsoleView;
import dev.runwire.job.events.StepEventPublisher;
import dev.runwire.job.steps.Leftovers;
import dev.runwire.job.steps.ServiceMarks;
import dev.runwire.job.steps.StepFactory;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** Reconciles one target: plans its DAG, builds its steps, runs them, publishes step events. */
final class Reconciler {

  private final JobConfig config;
  private final ExecutorService pool;
  private final EventSink events;
  private final LiveConsoleView liveView;
  private final RetryPolicy retry;
  private final WaitPolicy waits;
  private final Clock clock;

  Reconciler(
      JobConfig config,
      ExecutorService pool,
      EventSink events,
      LiveConsoleView liveView,
      RetryPolicy retry,
      WaitPolicy waits,
      Clock clock) {
    this.config = config;
    this.pool = pool;
    this.events = events;
    this.liveView = liveView;
    this.retry = retry;
    this.waits = waits;
    this.clock = clock;
  }

  /**
   * @param request the target's request (its own mode)
   * @param requestId the id events carry (a sweep's, for every target it covers)
   */
  RunResult reconcile(ProvisioningRequest request, String requestId, StepFactory factory) {
    ServiceMarks marks = factory.marks(request);
    Plan plan = DagPlanner.plan(request, leftBehind(request, marks));
    TargetRef target =
        new TargetRef(
            request.target().project(), request.target().region(), request.service().name());
    if (liveView != null) {
      liveView.showPlan(target.service(), plan.order().stream().map(StepKind::wire).toList());
    }
    StepEventPublisher publisher =
        new StepEventPublisher(
            events, requestId, config.executionId(), target, config.taskAttempt() + 1);
    RunContext ctx = new RunContext(request, config.executionId(), retry, waits);
    DagRunner runner =
        config.parallelism() == 1
            ? DagRunner.sequential(publisher, clock)
            : DagRunner.parallel(pool, publisher, clock);
    List<StepKind> order = new ArrayList<>(config.stepOrder());
    if (request.mode() == Mode.DESTROY) {
      Collections.reverse(order);
    }
    Plan ordered = config.parallelism() == 1 ? plan.inOrder(order) : plan;
    return runner.run(ordered, factory.steps(ordered, request, marks), ctx);
  }

  /**
   * Whether the request the service was last wired with needed resources this one does not, or an
   * earlier pruning left some to delete (one read of the service, shared with the steps); destroy
   * only the latter. Unreadable: nothing to prune; the service step reports the error.
   */
  private static boolean leftBehind(ProvisioningRequest request, ServiceMarks marks) {
    try {
      if (!request.isScoped() && marks.hasPendingPrunes()) {
        return true;
      }
      return request.mode() != Mode.DESTROY
          && !Leftovers.of(marks.lastApplied().orElse(null), request).isEmpty();
    } catch (RuntimeException unreadable) {
      return false;
    }
  }
}
