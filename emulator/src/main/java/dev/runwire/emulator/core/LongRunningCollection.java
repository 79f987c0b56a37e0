package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One resource collection of a google.longrunning API (Redis instances, VPC Access connectors, Run
 * services and jobs): resources named {@code projects/P/locations/L/<collection>/ID}, kept in name
 * order, with what every such collection does alike: the create id check (required, pattern,
 * location, 409 ALREADY_EXISTS), get, list (paged; location {@code -} where the API allows it),
 * 404, the operation each resource has running, delete through an operation (a second delete is
 * refused; a delete aborts the operation still running on the resource), and the state snapshot.
 * What a create or an update checks and does when its operation is done stays with the surface.
 * Callers hold the state lock.
 *
 * @param <S> what the surface stores per resource (the resource and what it keeps beside it)
 * @param <M> the resource as get and list answer it
 */
public final class LongRunningCollection<S, M extends Message> {

  /**
   * The collection's names and limits.
   *
   * @param version the API version in the path, {@code v1} or {@code v2}
   * @param collection the path segment, e.g. {@code instances}
   * @param idParameter the create's query parameter, e.g. {@code instanceId}
   * @param idPattern what an id must match
   * @param idRule what an id must be, in words, for the 400 answer
   * @param maxPageSize the most items one list page holds
   * @param listsAnyLocation whether list takes location {@code -} (every location)
   */
  public record Shape(
      String version,
      String collection,
      String idParameter,
      Pattern idPattern,
      String idRule,
      int maxPageSize,
      boolean listsAnyLocation) {}

  /**
   * What a delete does beside removing the resource. The operation is done once the delete's
   * duration has passed: an injected {@code failOperations} fault fails it and the resource stays;
   * otherwise the resource is removed and the operation answers {@link #response}.
   */
  public interface Deletion<S> {

    /** At the request (lock held): marks the resource as going, or throws to refuse. */
    void begin(S stored);

    /** When an injected fault fails the delete (lock held): the resource as it was before. */
    default void kept(S stored) {}

    /** Once removed (lock held): releases what the resource held (ranges, IAM policy). */
    default void removed(S stored) {}

    /**
     * The operation's response: {@code google.protobuf.Empty} (the usual delete response), or the
     * deleted resource where the API answers that (Run).
     */
    default Message response(S stored) {
      return Empty.getDefaultInstance();
    }

    /** After the operation is done, without the lock: stops the resource's processes. */
    default void stopped(S stored) {}
  }

  private final CloudCore core;
  private final String api;
  private final Shape shape;
  private final Function<S, M> view;
  private final BiFunction<List<M>, String, ? extends MessageOrBuilder> listResponse;
  private final Map<String, Entry<S>> stored = new TreeMap<>();

  /** A stored resource, its latest operation and whether it is being deleted. */
  private static final class Entry<S> {
    final S value;
    RunningOperation operation;
    boolean deleting;

    Entry(S value) {
      this.value = value;
    }
  }

  /**
   * @param view the resource as get, list and the snapshot show it
   * @param listResponse the list method's answer from one page of items and the next page token
   */
  public LongRunningCollection(
      CloudCore core,
      String api,
      Shape shape,
      Function<S, M> view,
      BiFunction<List<M>, String, ? extends MessageOrBuilder> listResponse) {
    this.core = core;
    this.api = api;
    this.shape = shape;
    this.view = view;
    this.listResponse = listResponse;
  }

  /** {@code /v1/projects/{project}/locations/{location}/instances}. */
  public String collectionPath() {
    return "/" + shape.version() + "/projects/{project}/locations/{location}/" + shape.collection();
  }

  /** {@code .../instances/{id}}: the path of one resource, for the surface's other methods. */
  public String resourcePath() {
    return collectionPath() + "/{id}";
  }

  /** Registers create, list, get and delete; the surface adds its other methods. */
  public void registerRoutes(Routes routes, Handler create, Handler delete) {
    routes
        .post(collectionPath(), create)
        .get(collectionPath(), this::list)
        .get(resourcePath(), r -> Reply.of(view.apply(require(nameOf(r)))))
        .delete(resourcePath(), delete);
  }

  /** The name a create request asks for, checked: the id, the location, not taken yet. */
  public String newName(ApiRequest request) {
    String id = request.query(shape.idParameter());
    if (id == null || id.isEmpty()) {
      throw ApiException.invalidArgument(
          shape.idParameter(),
          "required: add ?" + shape.idParameter() + "=NAME to the create request");
    }
    return newName(request.var("project"), request.var("location"), id);
  }

  /** The name of a new resource {@code id}, checked as {@link #newName(ApiRequest)} does. */
  public String newName(String project, String location, String id) {
    if (!shape.idPattern().matcher(id).matches()) {
      throw ApiException.invalidArgument(
          shape.idParameter(), "'" + id + "' must be " + shape.idRule());
    }
    Regions.require("parent", location);
    String name = parent(project, location) + "/" + shape.collection() + "/" + id;
    if (stored.containsKey(name)) {
      throw ApiException.alreadyExists(name);
    }
    return name;
  }

  /** The resource a request's path names (it may not exist). */
  public String nameOf(ApiRequest request) {
    return parent(request.var("project"), request.var("location"))
        + "/"
        + shape.collection()
        + "/"
        + idOf(request);
  }

  /**
   * The resource a request's path names; 404 when it does not exist (IAM methods, sub-resources).
   */
  public String existingName(ApiRequest request) {
    String name = nameOf(request);
    require(name);
    return name;
  }

  /** The short id in a request's path. */
  public String idOf(ApiRequest request) {
    return request.var("id");
  }

  /** {@code projects/P/locations/L} of a resource name: where its operations live. */
  public String parentOf(String name) {
    return name.substring(0, name.indexOf("/" + shape.collection() + "/"));
  }

  /** What is stored as {@code name}, or null. */
  public S get(String name) {
    Entry<S> e = stored.get(name);
    return e == null ? null : e.value;
  }

  /** What is stored as {@code name}; 404 when nothing is. */
  public S require(String name) {
    return entry(name).value;
  }

  /** Is {@code s} still what is stored as {@code name}? (A late step of a replaced one is not.) */
  public boolean isCurrent(String name, S s) {
    return get(name) == s;
  }

  public void put(String name, S s) {
    stored.put(name, new Entry<>(s));
  }

  public void remove(String name) {
    stored.remove(name);
  }

  public List<S> all() {
    return stored.values().stream().map(e -> e.value).toList();
  }

  public Collection<String> names() {
    return stored.keySet();
  }

  public void clear() {
    stored.clear();
  }

  /** Starts an operation on resource {@code name} (stored already), under its parent. */
  public RunningOperation startOperation(String name, RunningOperation.Metadata metadata) {
    RunningOperation op = core.operations().start(api, parentOf(name), metadata);
    Entry<S> e = stored.get(name);
    if (e != null) {
      e.operation = op;
    }
    return op;
  }

  /** The operation still running on resource {@code name}, if any. */
  public Optional<RunningOperation> runningOperation(String name) {
    Entry<S> e = stored.get(name);
    return e == null || e.operation == null || e.operation.isDone()
        ? Optional.empty()
        : Optional.of(e.operation);
  }

  /**
   * Deletes resource {@code name} through an operation that is done once {@code duration} has
   * passed (see {@link Deletion}). Answers the operation.
   */
  public Reply delete(
      String name, Duration duration, RunningOperation.Metadata metadata, Deletion<S> deletion) {
    Entry<S> e = entry(name);
    if (e.deleting) {
      throw ApiException.failedPrecondition(
          "'" + name + "' is already being deleted by operation " + e.operation.name());
    }
    deletion.begin(e.value);
    runningOperation(name)
        .ifPresent(
            running ->
                running.abortIfRunning(
                    "'" + name + "' was deleted before this operation finished"));
    e.deleting = true;
    RunningOperation op = startOperation(name, metadata);
    S s = e.value;
    core.transitions()
        .after(
            duration,
            () -> {
              boolean removed =
                  core.locked(
                      () -> {
                        if (!isCurrent(name, s)) {
                          return false;
                        }
                        Optional<String> fault = core.faults().operationFailure(name);
                        if (fault.isPresent()) {
                          e.deleting = false;
                          deletion.kept(s);
                          op.fail(ApiException.internal(fault.get()));
                          return false;
                        }
                        stored.remove(name);
                        deletion.removed(s);
                        op.succeed(deletion.response(s));
                        return true;
                      });
              if (removed) {
                deletion.stopped(s);
              }
            });
    return op.reply();
  }

  /** Every resource as the snapshot shows it. */
  public JsonArray snapshot() {
    JsonArray out = new JsonArray();
    stored.values().forEach(e -> out.add(core.json().toTree(view.apply(e.value))));
    return out;
  }

  private Reply list(ApiRequest request) {
    String location = request.var("location");
    String prefix =
        shape.listsAnyLocation() && "-".equals(location)
            ? "projects/" + request.var("project") + "/locations/"
            : parent(request.var("project"), location) + "/" + shape.collection() + "/";
    List<M> all = new ArrayList<>();
    stored.forEach(
        (name, e) -> {
          if (name.startsWith(prefix)) {
            all.add(view.apply(e.value));
          }
        });
    Pages.Page<M> page =
        Pages.of(
            all, request.queryInt("pageSize", 0), request.query("pageToken"), shape.maxPageSize());
    return Reply.of(listResponse.apply(page.items(), page.nextPageToken()));
  }

  private Entry<S> entry(String name) {
    Entry<S> e = stored.get(name);
    if (e == null) {
      throw ApiException.notFound(name);
    }
    return e;
  }

  private static String parent(String project, String location) {
    return "projects/" + project + "/locations/" + location;
  }
}
