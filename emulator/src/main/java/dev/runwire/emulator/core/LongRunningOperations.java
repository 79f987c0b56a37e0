package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code google.longrunning.Operation}s of every API that uses them (Redis, VPC Access, Run),
 * served at {@code /v1|v2/projects/P/locations/L/operations/ID}. Metadata and response travel as
 * {@code Any} with the {@code @type} the client's stub registers. Callers hold the state lock.
 */
public final class LongRunningOperations {

  private record Entry(String api, Operation.Builder operation) {}

  private final CloudCore core;
  private final Map<String, Entry> operations = new LinkedHashMap<>();

  LongRunningOperations(CloudCore core) {
    this.core = core;
  }

  void registerRoutes(Routes routes) {
    for (String version : new String[] {"v1", "v2"}) {
      routes.sharedPoll(
          "/" + version + "/projects/{project}/locations/{location}/operations/{operation}",
          this::apiOf,
          request -> Reply.of(require(operationName(request))));
    }
  }

  /**
   * Starts an operation under {@code parent} ({@code projects/P/locations/L}); not done. {@code
   * metadata} says what its metadata reads at start and when done.
   */
  public RunningOperation start(String api, String parent, RunningOperation.Metadata metadata) {
    String name = parent + "/operations/" + core.ids().operationId();
    Timestamp createTime = core.now();
    Operation.Builder op =
        Operation.newBuilder().setName(name).setMetadata(Any.pack(metadata.at(createTime, null)));
    operations.put(name, new Entry(api, op));
    return new RunningOperation(this, core, name, createTime, metadata);
  }

  void updateMetadata(String name, Message metadata) {
    Entry e = operations.get(name);
    if (e != null) {
      e.operation().setMetadata(Any.pack(metadata));
    }
  }

  void succeed(String name, Message metadata, Message response) {
    Entry e = operations.get(name);
    if (e != null) {
      e.operation().setMetadata(Any.pack(metadata)).setDone(true).setResponse(Any.pack(response));
    }
  }

  void fail(String name, Message metadata, ApiException error) {
    Entry e = operations.get(name);
    if (e != null) {
      e.operation().setMetadata(Any.pack(metadata)).setDone(true).setError(error.toStatus());
    }
  }

  public Operation get(String name) {
    Entry e = operations.get(name);
    return e == null ? null : e.operation().build();
  }

  boolean isDone(String name) {
    Entry e = operations.get(name);
    return e == null || e.operation().getDone();
  }

  public Operation require(String name) {
    Operation op = get(name);
    if (op == null) {
      throw ApiException.notFoundMessage("Operation '" + name + "' was not found");
    }
    return op;
  }

  Reply reply(String name) {
    return Reply.later(() -> get(name));
  }

  public void reset() {
    operations.clear();
  }

  /** The operations and the API each belongs to, for a state file. */
  public JsonObject save() {
    JsonObject apis = new JsonObject();
    operations.forEach((name, e) -> apis.addProperty(name, e.api()));
    JsonObject out = new JsonObject();
    out.add("operations", snapshot());
    out.add("apis", apis);
    return out;
  }

  /**
   * What {@link #save} wrote. An operation that was not done when it was saved will never finish
   * now: it is done with ABORTED, the way a server that lost an operation reports it.
   */
  public void load(JsonObject saved) {
    operations.clear();
    if (saved == null) {
      return;
    }
    JsonObject apis = saved.getAsJsonObject("apis");
    for (var tree : saved.getAsJsonArray("operations")) {
      Operation.Builder op = core.json().fromTree(tree, Operation.newBuilder(), "operation");
      if (!op.getDone()) {
        op.setDone(true)
            .setError(
                ApiException.aborted(
                        "The local cloud stopped before this operation finished; read the"
                            + " resource and retry the change if it is not done")
                    .toStatus());
      }
      String api = apis.has(op.getName()) ? apis.get(op.getName()).getAsString() : "operations";
      operations.put(op.getName(), new Entry(api, op));
    }
  }

  public JsonArray snapshot() {
    JsonArray out = new JsonArray();
    for (Entry e : operations.values()) {
      out.add(core.json().toTree(e.operation()));
    }
    return out;
  }

  private String apiOf(ApiRequest request) {
    Entry e = core.locked(() -> operations.get(operationName(request)));
    return e == null ? "operations" : e.api();
  }

  private static String operationName(ApiRequest request) {
    return "projects/"
        + request.var("project")
        + "/locations/"
        + request.var("location")
        + "/operations/"
        + request.var("operation");
  }
}
