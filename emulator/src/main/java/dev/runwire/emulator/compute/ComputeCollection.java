package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Network;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.JsonMergePatch;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One Compute collection (networks, subnetworks, routers, addresses, firewalls) served the way
 * Compute serves them: insert / get / list / delete, and patch (JSON merge patch) and update where
 * the resource has them. Every mutation answers a {@code compute#operation}; the resource appears,
 * changes or goes when the operation is done. Subclasses decide only what is particular to their
 * resource: defaults and validation, what blocks a delete, and derived fields.
 */
abstract class ComputeCollection<M extends Message> {

  /** Output-only fields a client may send back unchanged in a patch; never taken from it. */
  private static final Set<String> OUTPUT_ONLY =
      Set.of("kind", "id", "selfLink", "selfLinkWithId", "creationTimestamp", "region");

  /** What a mutation will store, and the error its operation will report instead, if any. */
  record Prepared<M>(M resource, ApiException failure) {

    static <M> Prepared<M> ok(M resource) {
      return new Prepared<>(resource, null);
    }
  }

  /** The project and, for regional collections, the region of a request. */
  record Scope(String project, String region) {

    ResourceRef ref(String collection, String name) {
      return new ResourceRef(project, region, collection, name);
    }
  }

  protected final CloudCore core;
  protected final ComputeState state;
  protected final Table<M> table;
  private final OperationResources operations;
  private final String collection;
  private final String kind;
  private final boolean regional;
  private final LatencyKey latency;
  private final M prototype;
  private final Message listPrototype;

  ComputeCollection(
      CloudCore core,
      ComputeState state,
      OperationResources operations,
      Table<M> table,
      String collection,
      String kind,
      boolean regional,
      LatencyKey latency,
      M prototype,
      Message listPrototype) {
    this.core = core;
    this.state = state;
    this.operations = operations;
    this.table = table;
    this.collection = collection;
    this.kind = kind;
    this.regional = regional;
    this.latency = latency;
    this.prototype = prototype;
    this.listPrototype = listPrototype;
  }

  /** The stored resources (done ones), for a state file. */
  JsonArray save() {
    JsonArray out = new JsonArray();
    table.list("").forEach(m -> out.add(core.json().toTree(m)));
    return out;
  }

  /** What {@link #save} wrote: each resource stored under the name its self link gives. */
  @SuppressWarnings("unchecked")
  void load(JsonArray saved) {
    for (var tree : saved) {
      M m = (M) core.json().fromTree(tree, prototype.newBuilderForType(), collection).build();
      table.put(ResourceRef.relativeOf((String) field(m, "self_link")), m);
    }
  }

  LatencyKey latency() {
    return latency;
  }

  String collection() {
    return collection;
  }

  /** The key of this collection in snapshots and state files. */
  String stateKey() {
    return collection;
  }

  void registerRoutes(Routes routes) {
    String base =
        "/compute/v1/projects/{project}/"
            + (regional ? "regions/{region}/" : "global/")
            + collection;
    String one = base + "/{resource}";
    routes.post(base, this::insert).get(base, this::list).get(one, this::get);
    routes.delete(one, this::delete);
    if (patchable()) {
      routes.patch(one, this::patch).put(one, this::update);
    }
    registerActions(routes, one);
  }

  /** Custom methods ({@code POST .../{resource}/verb}) a collection adds; see {@link #action}. */
  void registerActions(Routes routes, String one) {}

  // --- what subclasses decide -------------------------------------------------------------------

  /**
   * Checks a new resource (already stamped with kind, id, name, selfLink...) and fills defaults.
   */
  abstract Prepared<M> prepareInsert(Scope scope, ResourceRef ref, M resource);

  /** Checks a changed resource; {@code sent} is the patch or the new body as the client sent it. */
  Prepared<M> prepareChange(ResourceRef ref, M current, M changed, JsonObject sent) {
    throw new UnsupportedOperationException(collection + " cannot be changed");
  }

  /** Whether the collection has patch and update. */
  boolean patchable() {
    return false;
  }

  /** The error that the delete's operation reports, when something still uses the resource. */
  ApiException deleteBlocker(ResourceRef ref, M resource) {
    return null;
  }

  void afterInsert(ResourceRef ref, M resource) {}

  void afterDelete(ResourceRef ref, M resource) {}

  /** The resource as GET shows it: with fields derived from other resources. */
  M present(M resource) {
    return resource;
  }

  // --- what subclasses share ---------------------------------------------------------------------

  /**
   * The existing network a resource's {@code network} field names (a link, a relative name or a
   * short name in the project); 400 naming {@code resource.network} otherwise.
   */
  Network referencedNetwork(String project, String reference) {
    if (reference.isEmpty()) {
      throw ComputeErrors.required(
          "resource.network", "name the network, e.g. global/networks/my-network");
    }
    ResourceRef ref =
        ResourceRef.parse(reference, "networks", project, null)
            .orElseThrow(
                () ->
                    ComputeErrors.invalid(
                        "resource.network",
                        reference,
                        "Not a network reference; use projects/"
                            + project
                            + "/global/networks/NAME or its URL."));
    return state
        .networks
        .get(ref.relative())
        .orElseThrow(
            () ->
                ComputeErrors.invalid(
                    "resource.network",
                    reference,
                    "The referenced network resource cannot be found."));
  }

  /**
   * Refuses to move a resource out of its network: {@code changed} must name {@code current}'s
   * network (in any form); otherwise a 400 with {@code message}.
   */
  static void requireSameNetwork(
      ResourceRef ref, Message current, Message changed, String message) {
    String was = (String) field(current, "network");
    String now = (String) field(changed, "network");
    boolean same =
        now.equals(was)
            || ResourceRef.parse(now, "networks", ref.project(), null)
                .map(r -> r.link().equals(was))
                .orElse(false);
    if (!same) {
      throw ComputeErrors.invalid("resource.network", now, message);
    }
  }

  // --- the REST methods -------------------------------------------------------------------------

  private Reply insert(ApiRequest request) {
    return mutate(
        request,
        "insert",
        scope -> {
          @SuppressWarnings("unchecked")
          M in = (M) request.body(prototype.newBuilderForType(), "resource").build();
          in = ComputeEnums.normalize(in, "resource");
          String name = ComputeNames.require("resource.name", (String) field(in, "name"));
          ResourceRef ref = scope.ref(collection, name);
          if (table.holds(ref.relative())) {
            throw ComputeErrors.alreadyExists(ref.relative());
          }
          checkRegionField(scope, in);
          Prepared<M> prepared = prepareInsert(scope, ref, stamp(in, ref));
          M resource = prepared.resource();
          table.putPending(ref.relative(), resource);
          return new Change(
              ref,
              (Long) field(resource, "id"),
              prepared.failure(),
              () -> {
                table.commit(ref.relative());
                afterInsert(ref, resource);
              },
              () -> table.remove(ref.relative()));
        });
  }

  private Reply get(ApiRequest request) {
    ResourceRef ref = scope(request).ref(collection, request.var("resource"));
    return Reply.of(present(table.require(ref.relative())));
  }

  private Reply list(ApiRequest request) {
    Scope scope = scope(request);
    String prefix =
        "projects/"
            + scope.project()
            + "/"
            + (regional ? "regions/" + scope.region() : "global")
            + "/"
            + collection
            + "/";
    ListFilter filter = ListFilter.parse(request.query("filter"));
    List<M> items =
        table.list(prefix).stream()
            .map(this::present)
            .filter(m -> filter.test(core.json().toTree(m)))
            .toList();
    Pages.Page<M> page =
        Pages.of(items, request.queryInt("maxResults", 0), request.query("pageToken"), 500);
    Message.Builder list = listPrototype.newBuilderForType();
    setField(list, "kind", kind + "List");
    setField(list, "id", prefix.substring(0, prefix.length() - 1));
    setField(list, "self_link", ResourceRef.LINK_BASE + prefix.substring(0, prefix.length() - 1));
    FieldDescriptor itemsField = list.getDescriptorForType().findFieldByName("items");
    page.items().forEach(m -> list.addRepeatedField(itemsField, m));
    if (!page.nextPageToken().isEmpty()) {
      setField(list, "next_page_token", page.nextPageToken());
    }
    return Reply.of(list);
  }

  private Reply delete(ApiRequest request) {
    return mutate(
        request,
        "delete",
        scope -> {
          ResourceRef ref = scope.ref(collection, request.var("resource"));
          M current = table.require(ref.relative());
          return new Change(
              ref,
              (Long) field(current, "id"),
              deleteBlocker(ref, current),
              () -> {
                if (table.get(ref.relative()).isPresent()) {
                  table.remove(ref.relative());
                  afterDelete(ref, current);
                }
              },
              () -> {});
        });
  }

  /** PATCH: a JSON merge patch of the current resource (lists in the patch replace whole lists). */
  private Reply patch(ApiRequest request) {
    return change(
        request,
        "patch",
        (current, sent) -> {
          JsonObject patch = sent.deepCopy();
          OUTPUT_ONLY.forEach(patch::remove);
          return JsonMergePatch.apply(core.json().toTree(current), patch).getAsJsonObject();
        });
  }

  /** PUT: the body replaces the resource (output-only fields kept). */
  private Reply update(ApiRequest request) {
    return change(
        request,
        "update",
        (current, sent) -> {
          JsonObject body = sent.deepCopy();
          OUTPUT_ONLY.forEach(body::remove);
          return body;
        });
  }

  private interface Merge<M> {
    JsonObject apply(M current, JsonObject sent);
  }

  private Reply change(ApiRequest request, String operationType, Merge<M> merge) {
    return mutate(
        request,
        operationType,
        scope -> {
          ResourceRef ref = scope.ref(collection, request.var("resource"));
          M current = table.require(ref.relative());
          JsonObject sent =
              StructJson.toTree(request.body(Struct.newBuilder(), "resource").build());
          if (sent.has("name") && !ref.name().equals(sent.get("name").getAsString())) {
            throw ComputeErrors.invalid(
                "resource.name",
                sent.get("name").getAsString(),
                "The name of a resource cannot change.");
          }
          JsonObject merged = merge.apply(current, sent);
          @SuppressWarnings("unchecked")
          M changed =
              (M) core.json().fromTree(merged, prototype.newBuilderForType(), "resource").build();
          changed = ComputeEnums.normalize(changed, "resource");
          changed = keepOutputFields(current, changed);
          Prepared<M> prepared = prepareChange(ref, current, changed, sent);
          M next = prepared.resource();
          return new Change(
              ref,
              (Long) field(current, "id"),
              prepared.failure(),
              () -> {
                if (table.get(ref.relative()).isPresent()) {
                  table.put(ref.relative(), next);
                }
              },
              () -> {});
        });
  }

  /**
   * A custom method that changes the resource, e.g. {@code subnetworks.setPrivateIpGoogleAccess}:
   * an operation of type {@code verb} whose commit stores what {@code apply} makes of the current
   * resource and the request body.
   */
  Reply action(ApiRequest request, String verb, BiFunction<M, JsonObject, M> apply) {
    return mutate(
        request,
        verb,
        scope -> {
          ResourceRef ref = scope.ref(collection, request.var("resource"));
          M current = table.require(ref.relative());
          JsonObject sent =
              request.hasBody()
                  ? StructJson.toTree(request.body(Struct.newBuilder(), "request").build())
                  : new JsonObject();
          M next = apply.apply(current, sent);
          return new Change(
              ref,
              (Long) field(current, "id"),
              null,
              () -> {
                if (table.get(ref.relative()).isPresent()) {
                  table.put(ref.relative(), next);
                }
              },
              () -> {});
        });
  }

  /** What a mutation request changes, once checked: see {@link OperationResources.Mutation}. */
  private record Change(
      ResourceRef target, long targetId, ApiException failure, Runnable commit, Runnable abandon) {}

  /**
   * The frame of every mutation: a {@code requestId} seen before answers the operation it started;
   * otherwise {@code check} checks the request (throwing what is refused at once) and its change
   * runs as a Compute operation.
   */
  private Reply mutate(ApiRequest request, String operationType, Function<Scope, Change> check) {
    Scope scope = scope(request);
    String requestId = request.query("requestId");
    Optional<Reply> again = operations.replay(scope.project(), requestId);
    if (again.isPresent()) {
      return again.get();
    }
    Change c = check.apply(scope);
    return operations.run(
        new OperationResources.Mutation(
            scope.project(),
            scope.region(),
            operationType,
            c.target(),
            c.targetId(),
            latency,
            requestId,
            c.failure(),
            c.commit(),
            c.abandon()));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Scope scope(ApiRequest request) {
    String project = request.var("project");
    String region = null;
    if (regional) {
      region = request.var("region");
      if (!Regions.isKnown(region)) {
        throw ComputeErrors.invalid(
            "region", region, "Unknown region; use a region such as us-central1 or europe-west1.");
      }
    }
    state.ensureProject(project);
    return new Scope(project, region);
  }

  private void checkRegionField(Scope scope, M in) {
    FieldDescriptor region = in.getDescriptorForType().findFieldByName("region");
    if (region == null || !in.hasField(region)) {
      return;
    }
    String sent = (String) in.getField(region);
    if (scope.region() == null || !ResourceRef.shortName(sent).equals(scope.region())) {
      throw ComputeErrors.invalid(
          "resource.region", sent, "It must be the region of the request path, " + scope.region());
    }
  }

  /** {@code in} with kind, id, selfLink, creationTimestamp and region set. */
  @SuppressWarnings("unchecked")
  private M stamp(M in, ResourceRef ref) {
    Message.Builder b = in.toBuilder();
    setField(b, "kind", kind);
    setField(b, "id", state.ids.next());
    setField(b, "self_link", ref.link());
    setField(b, "creation_timestamp", ComputeTime.now());
    if (regional) {
      setField(b, "region", ResourceRef.regionLink(ref.project(), ref.region()));
    }
    return (M) b.build();
  }

  @SuppressWarnings("unchecked")
  private M keepOutputFields(M current, M changed) {
    Message.Builder b = changed.toBuilder();
    for (String name : List.of("kind", "id", "self_link", "creation_timestamp", "region")) {
      FieldDescriptor f = current.getDescriptorForType().findFieldByName(name);
      if (f != null && current.hasField(f)) {
        b.setField(f, current.getField(f));
      }
    }
    return (M) b.build();
  }

  static Object field(Message m, String name) {
    return m.getField(m.getDescriptorForType().findFieldByName(name));
  }

  private static void setField(Message.Builder b, String name, Object value) {
    b.setField(b.getDescriptorForType().findFieldByName(name), value);
  }
}
