package dev.runwire.job.steps;

import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Removes what runwire created for this service that the new request no longer needs (see {@link
 * Leftovers}), after the service stopped using it: it runs once the service is wired the new way.
 * Each leftover goes through its own step's destroy rules (built from the previous request), so a
 * resource runwire does not own is kept, and so is whatever destroy would keep. Plan lists them as
 * {@code delete}; a drift check reports them.
 */
final class PruneStep implements Step {

  private final ProvisioningRequest request;
  private final ServiceMarks marks;
  private final BiFunction<StepKind, ProvisioningRequest, Step> steps;

  PruneStep(
      ProvisioningRequest request,
      ServiceMarks marks,
      BiFunction<StepKind, ProvisioningRequest, Step> steps) {
    this.request = request;
    this.marks = marks;
    this.steps = steps;
  }

  @Override
  public StepKind kind() {
    return StepKind.PRUNE;
  }

  @Override
  public String resource() {
    return Names.full(
        "run",
        Names.service(
            request.target().project(), request.target().region(), request.service().name()));
  }

  @Override
  public StepOutcome execute(StepContext ctx) {
    ProvisioningRequest previous = marks.lastApplied().orElse(null);
    List<FieldDiff> gone = new ArrayList<>();
    List<String> said = new ArrayList<>();
    for (StepKind kind : Leftovers.of(previous, request)) {
      ResourceStep<?, ?> step = (ResourceStep<?, ?>) steps.apply(kind, previous);
      StepOutcome outcome = step.prune(ctx);
      String name = kind.wire() + " " + Names.last(step.resource());
      if (outcome.action() == Action.DELETE) {
        gone.add(new FieldDiff(kind.wire() + "/" + Names.last(step.resource()), "exists", null));
      }
      said.add(name + ": " + outcome.message());
    }
    String message = said.isEmpty() ? "nothing left behind" : String.join("; ", said);
    if (ctx.mode() == Mode.DRIFT_CHECK && !gone.isEmpty()) {
      return new StepOutcome.Drifted(
          gone, Map.of(), "left behind by an earlier request: " + message);
    }
    return new StepOutcome.Succeeded(
        gone.isEmpty() ? Action.NONE : Action.DELETE, gone, Map.of(), message);
  }
}
