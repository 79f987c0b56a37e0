package dev.runwire.job.steps;

import com.google.cloud.run.v2.Service;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ManagedMarks} on the wired service as this run first found them, before it changes
 * them: which resources without a mark of their own runwire owns, and the request that wired the
 * service last time. Read once per run and shared by its steps, so pruning (after the service is
 * updated) and destroy (after the service is unwired) still see what was recorded.
 */
public final class ServiceMarks {

  private final Inventory inventory;
  private final ApiLocation at;
  private final String service;
  private Map<String, String> annotations;

  ServiceMarks(ProvisioningRequest request, Inventory inventory) {
    this.inventory = inventory;
    this.at = ApiLocation.of(request);
    this.service = request.service().name();
  }

  /** The service step hands over what it read first; the first reading of a run wins. */
  synchronized void found(Service s) {
    if (annotations == null) {
      annotations = Map.copyOf(s.getAnnotationsMap());
    }
  }

  synchronized Map<String, String> annotations() {
    if (annotations == null) {
      annotations =
          inventory
              .service(at, service)
              .map(s -> Map.copyOf(s.getAnnotationsMap()))
              .orElse(Map.of());
    }
    return annotations;
  }

  /**
   * Whether the service records {@code name} of {@code kind} as runwire's: in {@code
   * runwire.dev/owns}, or as a leftover pruning has still to delete (only what runwire owned is
   * recorded there).
   */
  boolean records(StepKind kind, String name) {
    return ManagedMarks.records(annotations(), kind, name)
        || pending().stream().anyMatch(p -> p.kind() == kind && p.name().equals(name));
  }

  /** What an earlier pruning could not delete yet (a subnet Cloud Run still held). */
  List<PendingPrunes.Entry> pending() {
    return PendingPrunes.read(annotations().get(ManagedMarks.PENDING_PRUNE));
  }

  /** Whether an earlier pruning left something to delete. */
  public boolean hasPendingPrunes() {
    return !pending().isEmpty();
  }

  /** The request the service was last wired with; empty when runwire never wired it. */
  public Optional<ProvisioningRequest> lastApplied() {
    String json = annotations().get(ManagedMarks.LAST_APPLIED);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(MessageCodec.fromJson(json, ProvisioningRequest.class));
    } catch (RuntimeException notARequest) {
      return Optional.empty();
    }
  }
}
