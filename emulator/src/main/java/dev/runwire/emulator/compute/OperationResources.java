package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.OperationList;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compute's own operations ({@code compute#operation}, not google.longrunning): PENDING, then
 * RUNNING, then DONE, timed by the latency profile. A failed operation is DONE with {@code
 * httpErrorStatusCode} + {@code httpErrorMessage} (what the Java client reads) and {@code
 * error.errors[]} (what gcloud and other clients read). Network and firewall operations are global,
 * subnetwork, router and address ones regional. A {@code requestId} seen before answers the
 * operation it started. Callers hold the state lock.
 */
final class OperationResources {

  /**
   * One mutation: what it targets, how long it takes, and what happens when it is done. {@code
   * failure} is decided when the request arrives (e.g. an overlapping range) and reported by the
   * operation, as Compute does; {@code commit} applies the change, {@code abandon} undoes what the
   * request reserved.
   */
  record Mutation(
      String project,
      String region,
      String operationType,
      ResourceRef target,
      long targetId,
      LatencyKey latency,
      String requestId,
      ApiException failure,
      Runnable commit,
      Runnable abandon) {}

  private static final String USER = "runwire@local-cloud.iam.gserviceaccount.com";

  /** How long {@code operations.wait} waits at most, as on compute.googleapis.com. */
  static final Duration WAIT_LIMIT = Duration.ofMinutes(2);

  private final CloudCore core;
  private final ComputeIds ids;
  private final Map<String, Operation.Builder> operations = new LinkedHashMap<>();
  private final Map<String, String> byRequestId = new HashMap<>();

  OperationResources(CloudCore core, ComputeIds ids) {
    this.core = core;
    this.ids = ids;
  }

  void registerRoutes(Routes routes) {
    String global = "/compute/v1/projects/{project}/global/operations/{operation}";
    String regional = "/compute/v1/projects/{project}/regions/{region}/operations/{operation}";
    routes
        .get(global.substring(0, global.lastIndexOf('/')), r -> list(r, "global"))
        .get(
            regional.substring(0, regional.lastIndexOf('/')),
            r -> list(r, "regions/" + r.var("region")))
        .poll(global, r -> Reply.of(require(globalName(r))))
        .postRead(global + "/wait", r -> waitFor(globalName(r)))
        .poll(regional, r -> Reply.of(require(regionalName(r))))
        .postRead(regional + "/wait", r -> waitFor(regionalName(r)));
  }

  /**
   * {@code operations.wait}: answers once the operation is DONE or {@link #WAIT_LIMIT} has passed
   * (then as it is), as Compute does; the state lock is let go while waiting.
   */
  private Reply waitFor(String relative) {
    require(relative);
    core.awaitUntil(
        () -> {
          Operation.Builder op = operations.get(relative);
          return op == null || op.getStatus() == Operation.Status.DONE;
        },
        WAIT_LIMIT);
    return Reply.of(require(relative));
  }

  /** The operation an earlier request with this {@code requestId} started, if any. */
  Optional<Reply> replay(String project, String requestId) {
    String id = ComputeNames.requireRequestId(requestId);
    if (id == null) {
      return Optional.empty();
    }
    Operation.Builder op = operations.get(byRequestId.get(project + "/" + id));
    return op == null ? Optional.empty() : Optional.of(Reply.later(op::build));
  }

  /** Starts the operation of {@code m}; the reply shows it as it is after inline transitions. */
  Reply run(Mutation m) {
    String scope = m.region() == null ? "global" : "regions/" + m.region();
    String name = core.ids().operationId() + "-" + core.ids().lowerAlnum(8);
    String relative = "projects/" + m.project() + "/" + scope + "/operations/" + name;
    Operation.Builder op =
        Operation.newBuilder()
            .setKind("compute#operation")
            .setId(ids.next())
            .setName(name)
            .setOperationType(m.operationType())
            .setTargetLink(m.target().link())
            .setTargetId(m.targetId())
            .setStatus(Operation.Status.PENDING)
            .setProgress(0)
            .setInsertTime(ComputeTime.now())
            .setUser(USER)
            .setSelfLink(ResourceRef.LINK_BASE + relative);
    if (m.region() != null) {
      op.setRegion(ResourceRef.regionLink(m.project(), m.region()));
    }
    operations.put(relative, op);
    String requestId = ComputeNames.requireRequestId(m.requestId());
    if (requestId != null) {
      byRequestId.put(m.project() + "/" + requestId, relative);
    }
    Duration total = core.duration(m.latency());
    core.transitions()
        .after(total.dividedBy(2), () -> core.locked(() -> markRunning(relative, op)));
    core.transitions().after(total, () -> core.locked(() -> finish(relative, op, m)));
    return Reply.later(op::build);
  }

  private void markRunning(String relative, Operation.Builder op) {
    if (operations.get(relative) == op && op.getStatus() == Operation.Status.PENDING) {
      op.setStatus(Operation.Status.RUNNING).setProgress(0).setStartTime(ComputeTime.now());
    }
  }

  private void finish(String relative, Operation.Builder op, Mutation m) {
    if (operations.get(relative) != op || op.getStatus() == Operation.Status.DONE) {
      return;
    }
    ApiException failure = m.failure();
    if (failure == null) {
      failure =
          core.faults()
              .operationFailure(m.target().relative())
              .map(ComputeErrors::internal)
              .orElse(null);
    }
    if (failure == null) {
      m.commit().run();
    } else {
      m.abandon().run();
      reportFailure(op, failure);
    }
    if (!op.hasStartTime()) {
      op.setStartTime(ComputeTime.now());
    }
    op.setStatus(Operation.Status.DONE).setProgress(100).setEndTime(ComputeTime.now());
  }

  /**
   * A failed operation as Compute reports it: {@code httpErrorStatusCode} + {@code
   * httpErrorMessage} (what the Java client reads), {@code error.errors[]} (the detail).
   */
  private static void reportFailure(Operation.Builder op, ApiException failure) {
    op.setError(
            com.google.cloud.compute.v1.Error.newBuilder()
                .addErrors(
                    Errors.newBuilder()
                        .setCode(ComputeErrors.operationErrorCode(failure))
                        .setMessage(failure.getMessage())))
        .setHttpErrorStatusCode(failure.httpStatus())
        .setHttpErrorMessage(ComputeErrors.reasonPhrase(failure.httpStatus()));
  }

  /** The project's operations in a scope, oldest first, with paging and the list filter. */
  private Reply list(ApiRequest request, String scope) {
    String prefix = "projects/" + request.var("project") + "/" + scope + "/operations";
    ListFilter filter = ListFilter.parse(request.query("filter"));
    List<Operation> items = new ArrayList<>();
    operations.forEach(
        (name, op) -> {
          if (name.startsWith(prefix + "/") && filter.test(core.json().toTree(op))) {
            items.add(op.build());
          }
        });
    Pages.Page<Operation> page =
        Pages.of(items, request.queryInt("maxResults", 0), request.query("pageToken"), 500);
    OperationList.Builder out =
        OperationList.newBuilder()
            .setKind("compute#operationList")
            .setId(prefix)
            .setSelfLink(ResourceRef.LINK_BASE + prefix)
            .addAllItems(page.items());
    if (!page.nextPageToken().isEmpty()) {
      out.setNextPageToken(page.nextPageToken());
    }
    return Reply.of(out);
  }

  private Operation require(String relative) {
    Operation.Builder op = operations.get(relative);
    if (op == null) {
      throw ComputeErrors.notFound(relative);
    }
    return op.build();
  }

  private static String globalName(ApiRequest r) {
    return "projects/" + r.var("project") + "/global/operations/" + r.var("operation");
  }

  private static String regionalName(ApiRequest r) {
    return "projects/"
        + r.var("project")
        + "/regions/"
        + r.var("region")
        + "/operations/"
        + r.var("operation");
  }

  JsonArray snapshot() {
    JsonArray out = new JsonArray();
    operations.values().forEach(op -> out.add(core.json().toTree(op)));
    return out;
  }

  /** The operations and the requestIds that started them, for a state file. */
  JsonObject save() {
    JsonObject requestIds = new JsonObject();
    byRequestId.forEach(requestIds::addProperty);
    JsonObject out = new JsonObject();
    out.add("operations", snapshot());
    out.add("requestIds", requestIds);
    return out;
  }

  /**
   * What {@link #save} wrote. An operation that was not DONE will not finish now (what it would
   * have committed was not saved): it is DONE with an error saying so.
   */
  void load(JsonObject saved) {
    reset();
    for (var tree : saved.getAsJsonArray("operations")) {
      Operation.Builder op = core.json().fromTree(tree, Operation.newBuilder(), "operation");
      if (op.getStatus() != Operation.Status.DONE) {
        ApiException lost =
            ComputeErrors.internal(
                "The local cloud stopped before this operation finished; nothing was changed.");
        reportFailure(op, lost);
        op.setStatus(Operation.Status.DONE).setProgress(100).setEndTime(ComputeTime.now());
      }
      operations.put(ResourceRef.relativeOf(op.getSelfLink()), op);
    }
    saved
        .getAsJsonObject("requestIds")
        .entrySet()
        .forEach(e -> byRequestId.put(e.getKey(), e.getValue().getAsString()));
  }

  void reset() {
    operations.clear();
    byRequestId.clear();
  }
}
