package dev.runwire.job.steps;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.runwire.job.cloud.CloudClients;
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
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Removes what runwire created for this service that the new request no longer needs (see {@link
 * Leftovers}), after the service stopped using it: it runs once the service is wired the new way.
 * Each leftover goes through its own step's destroy rules (built from the request that needed it),
 * so a resource runwire does not own is kept, and so is whatever destroy would keep. Plan lists
 * them as {@code delete}; a drift check reports them.
 *
 * <p>A leftover the cloud refuses to delete for a while (a Direct VPC subnet Cloud Run holds for
 * 1-2 hours after the service left it) is recorded on the service ({@link PendingPrunes}): the
 * service already carries the new request, so nothing else would remember it. Every later apply,
 * and a destroy, tries it again until it is gone, then drops the record.
 */
final class PruneStep implements Step {

  private final ProvisioningRequest request;
  private final ApiLocation at;
  private final ServiceMarks marks;
  private final CloudClients clients;
  private final BiFunction<StepKind, ProvisioningRequest, Step> steps;

  PruneStep(
      ProvisioningRequest request,
      ApiLocation at,
      ServiceMarks marks,
      CloudClients clients,
      BiFunction<StepKind, ProvisioningRequest, Step> steps) {
    this.request = request;
    this.at = at;
    this.marks = marks;
    this.clients = clients;
    this.steps = steps;
  }

  @Override
  public StepKind kind() {
    return StepKind.PRUNE;
  }

  @Override
  public String resource() {
    return Names.full("run", service());
  }

  private String service() {
    return at.service(request.service().name());
  }

  @Override
  public StepOutcome execute(StepContext ctx) {
    List<FieldDiff> gone = new ArrayList<>();
    List<String> said = new ArrayList<>();
    List<PendingPrunes.Entry> held = new ArrayList<>();
    String heldResource = null;
    RuntimeException failure = null;
    for (PendingPrunes.Entry leftover : leftovers()) {
      ResourceStep<?, ?> step = (ResourceStep<?, ?>) steps.apply(leftover.kind(), leftover.from());
      String name = leftover.kind().wire() + " " + leftover.name();
      StepOutcome outcome;
      try {
        outcome = step.prune(ctx);
      } catch (RuntimeException e) {
        // Only what was recorded before is known to be runwire's: it stays recorded.
        if (marks.pending().stream().anyMatch(leftover::sameResource)) {
          held.add(leftover);
        }
        failure = failure == null ? e : failure;
        continue;
      }
      if (outcome.action() == Action.DELETE) {
        gone.add(new FieldDiff(leftover.kind().wire() + "/" + leftover.name(), "exists", null));
      }
      if (outcome instanceof StepOutcome.Kept) {
        held.add(leftover);
        heldResource = heldResource == null ? step.resource() : heldResource;
      }
      said.add(name + ": " + outcome.message());
    }
    String followUp = record(held, ctx);
    if (failure != null) {
      throw failure;
    }
    String message = said.isEmpty() ? "nothing left behind" : String.join("; ", said);
    if (ctx.mode() == Mode.DRIFT_CHECK && !gone.isEmpty()) {
      return new StepOutcome.Drifted(
          gone, Map.of(), "left behind by an earlier request: " + message);
    }
    if (heldResource != null) {
      return new StepOutcome.Kept(heldResource, message + "; " + followUp);
    }
    return new StepOutcome.Succeeded(
        gone.isEmpty() ? Action.NONE : Action.DELETE, gone, Map.of(), message);
  }

  /**
   * What the previous request needed and this one does not, then what an earlier pruning left
   * (unless this request needs it again: then it is in use, not left over). Destroy takes only the
   * latter: its own steps remove what the request names.
   */
  private List<PendingPrunes.Entry> leftovers() {
    List<PendingPrunes.Entry> all = new ArrayList<>();
    if (request.mode() != Mode.DESTROY) {
      ProvisioningRequest previous = marks.lastApplied().orElse(null);
      for (StepKind kind : Leftovers.of(previous, request)) {
        String name = Names.last(steps.apply(kind, previous).resource());
        all.add(new PendingPrunes.Entry(kind, name, previous));
      }
    }
    for (PendingPrunes.Entry pending : marks.pending()) {
      boolean listed = all.stream().anyMatch(pending::sameResource);
      if (!listed && Leftovers.of(pending.from(), request).contains(pending.kind())) {
        all.add(pending);
      }
    }
    return all;
  }

  /**
   * Records on the service what is still to delete, when that changed (one update of the service's
   * annotations, no new revision); returns what the user should know about it.
   */
  private String record(List<PendingPrunes.Entry> held, StepContext ctx) {
    if (ctx.mode() != Mode.APPLY && ctx.mode() != Mode.DESTROY) {
      return "";
    }
    String value = PendingPrunes.write(held);
    if (!Objects.equals(value, PendingPrunes.write(marks.pending()))) {
      ctx.startAndAwait(
          () -> {
            Service.Builder current = clients.services().getService(service()).toBuilder();
            // A fixed revision name would collide with the existing revision.
            current.getTemplateBuilder().clearRevision();
            if (value == null) {
              current.removeAnnotations(ManagedMarks.PENDING_PRUNE);
            } else {
              current.putAnnotations(ManagedMarks.PENDING_PRUNE, value);
            }
            return clients
                .services()
                .updateServiceAsync(UpdateServiceRequest.newBuilder().setService(current).build());
          },
          "service "
              + request.service().name()
              + (value == null ? " pending prunes cleared" : " pending prunes recorded"));
    }
    return "recorded on the service ("
        + ManagedMarks.PENDING_PRUNE
        + "): a later apply or destroy of this service deletes it after that time";
  }
}
