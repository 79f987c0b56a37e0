package dev.runwire.job.drift;

import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.steps.ManagedMarks;
import dev.runwire.job.steps.Names;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds what a scoped drift check covers: every service runwire manages in the scope's project and
 * regions (label {@code managed-by: runwire}; the request it was last applied with is in its {@code
 * runwire.dev/last-applied} annotation), found with one services list call per region. The cloud is
 * the record; there is no other state. Targets are split over the job's tasks.
 */
public final class DriftSweep {

  private DriftSweep() {}

  /** One managed service: either checkable with a request, or uncheckable for a named problem. */
  public sealed interface Target {
    String project();

    String region();

    String service();
  }

  /** A service to check with the request it was last applied with. */
  public record Checkable(
      String project, String region, String service, ProvisioningRequest request)
      implements Target {}

  /** A service that cannot be checked: its annotation is missing or no longer a valid request. */
  public record Uncheckable(String project, String region, String service, String problem)
      implements Target {}

  /**
   * @param requestId the sweep's id: each target's request is checked under it
   */
  public static List<Target> discover(
      ProvisioningRequest.Scope scope, String requestId, ListedInventory inventory) {
    List<Target> targets = new ArrayList<>();
    for (String region : scope.regions()) {
      for (Service service : inventory.services(scope.project(), region)) {
        if (!ManagedMarks.isManaged(service.getLabelsMap())) {
          continue;
        }
        targets.add(target(scope.project(), region, service, requestId));
      }
    }
    targets.sort(Comparator.comparing(Target::region).thenComparing(Target::service));
    return targets;
  }

  /** The targets of task {@code index} of {@code count}: every count-th, starting at index. */
  public static <T> List<T> shard(List<T> all, int index, int count) {
    List<T> mine = new ArrayList<>();
    for (int i = index; i < all.size(); i += count) {
      mine.add(all.get(i));
    }
    return mine;
  }

  private static Target target(String project, String region, Service service, String requestId) {
    String name = Names.last(service.getName());
    String lastApplied = service.getAnnotationsMap().get(ManagedMarks.LAST_APPLIED);
    if (lastApplied == null) {
      return new Uncheckable(
          project,
          region,
          name,
          "labelled managed-by=runwire but has no "
              + ManagedMarks.LAST_APPLIED
              + " annotation; apply it again");
    }
    // The annotation has no id or mode of its own (so re-applies under new ids change nothing).
    JsonObject json;
    try {
      json = JsonParser.parseString(lastApplied).getAsJsonObject();
    } catch (RuntimeException e) {
      return new Uncheckable(
          project, region, name, ManagedMarks.LAST_APPLIED + " is not a JSON object");
    }
    json.addProperty("requestId", requestId);
    json.addProperty("mode", Mode.DRIFT_CHECK.wire());
    ValidationResult result = RequestValidator.standard().validate(json.toString());
    if (!result.valid()) {
      return new Uncheckable(
          project,
          region,
          name,
          ManagedMarks.LAST_APPLIED
              + " is not a valid request: "
              + result.problems().stream()
                  .map(Problem::toString)
                  .collect(Collectors.joining("; ")));
    }
    ProvisioningRequest request = result.request();
    if (!request.target().project().equals(project)
        || !request.target().region().equals(region)
        || !request.service().name().equals(name)) {
      return new Uncheckable(
          project,
          region,
          name,
          ManagedMarks.LAST_APPLIED
              + " describes "
              + request.target().project()
              + "/"
              + request.target().region()
              + "/"
              + request.service().name()
              + ", not this service (copied from another?)");
    }
    return new Checkable(project, region, name, request);
  }
}
