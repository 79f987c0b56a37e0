package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Project;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Projects;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.util.List;
import java.util.Optional;

/**
 * Compute Engine v1, the parts runwire uses: networks, subnetworks, routers (with Cloud NAT),
 * regional addresses, firewall rules and Compute's own global and regional operations, under {@code
 * /compute/v1/projects/{p}/...} as on compute.googleapis.com. Every project starts with the {@code
 * default} network, its subnets and its firewall rules. {@link #networks()} is the {@link Networks}
 * seam the other APIs check their networks, subnets and ranges against.
 */
public final class ComputeSurface implements ApiSurface {

  private final CloudCore core;
  private final ComputeState state;
  private final OperationResources operations;
  private final ComputeNetworks networks;
  private final ServiceNetworkingSurface serviceNetworking;
  private final List<ComputeCollection<? extends Message>> collections;

  public ComputeSurface(CloudCore core) {
    this.core = core;
    ComputeIds ids = new ComputeIds(core.ids());
    this.state = new ComputeState(ids);
    this.operations = new OperationResources(core, ids);
    this.networks = new ComputeNetworks(state);
    this.serviceNetworking = new ServiceNetworkingSurface(core, state);
    this.collections =
        List.of(
            new NetworkResources(core, state, operations),
            new SubnetworkResources(core, state, operations, networks),
            new RouterResources(core, state, operations),
            new AddressResources(core, state, operations),
            new GlobalAddressResources(core, state, operations),
            new FirewallResources(core, state, operations));
  }

  /** Service Networking (private services access connections), which shares this state. */
  public ServiceNetworkingSurface serviceNetworking() {
    return serviceNetworking;
  }

  /** The networks, subnets and ranges in use, for the other APIs. */
  public Networks networks() {
    return networks;
  }

  @Override
  public String api() {
    return "compute";
  }

  @Override
  public void registerRoutes(Routes routes) {
    collections.forEach(c -> c.registerRoutes(routes));
    operations.registerRoutes(routes);
    routes.get("/compute/v1/projects/{project}", this::project);
  }

  /**
   * {@code projects.get}: the fields a caller of this local cloud needs, named as in
   * compute.v1.Project, above all {@code defaultServiceAccount}
   * (PROJECT_NUMBER-compute@developer.gserviceaccount.com), the runtime account of a Cloud Run
   * revision that names none.
   */
  private Reply project(ApiRequest request) {
    String project = request.var("project");
    core.locked(() -> state.ensureProject(project));
    long number = Projects.number(project);
    return Reply.of(
        Project.newBuilder()
            .setKind("compute#project")
            .setId(number)
            .setName(project)
            .setSelfLink(ResourceRef.LINK_BASE + "projects/" + project)
            .setCreationTimestamp(ComputeTime.now())
            .setDefaultServiceAccount(Projects.defaultComputeServiceAccount(project))
            .setDefaultNetworkTier("PREMIUM")
            .setXpnProjectStatus("UNSPECIFIED_XPN_PROJECT_STATUS")
            .setVmDnsSetting("ZONAL_ONLY"));
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return collections.stream().map(ComputeCollection::latency).toList();
  }

  /** Compute answers rate limiting with 403 rateLimitExceeded, not 429. */
  @Override
  public ApiException transientError(int httpStatus) {
    return httpStatus == 429 ? ComputeErrors.rateLimited() : ApiException.unavailable(api());
  }

  @Override
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    for (ComputeCollection<? extends Message> c : collections) {
      out.add(c.stateKey(), list(c));
    }
    out.add("operations", operations.snapshot());
    return out;
  }

  private <M extends Message> JsonArray list(ComputeCollection<M> c) {
    JsonArray items = new JsonArray();
    c.table.list("").forEach(m -> items.add(core.json().toTree(c.present(m))));
    return items;
  }

  /** Every collection's resources as stored, the projects, reserved ranges and operations. */
  @Override
  public JsonObject save() {
    JsonObject out = new JsonObject();
    for (ComputeCollection<? extends Message> c : collections) {
      out.add(c.stateKey(), c.save());
    }
    out.add("projects", state.saveProjects());
    out.add("reservations", state.reservations.save());
    out.add("operations", operations.save());
    return out;
  }

  @Override
  public void load(JsonObject saved) {
    state.clear();
    for (ComputeCollection<? extends Message> c : collections) {
      if (saved.has(c.stateKey())) {
        c.load(saved.getAsJsonArray(c.stateKey()));
      }
    }
    state.loadProjects(saved.getAsJsonArray("projects"));
    state.reservations.load(saved.getAsJsonArray("reservations"));
    operations.load(saved.getAsJsonObject("operations"));
  }

  /**
   * Changes a resource the way gcloud or the console would, by a JSON merge patch of its fields,
   * e.g. {@code projects/p/regions/r/routers/rt} with {@code {"nats":[]}}. A subnet gets a new
   * fingerprint.
   */
  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    for (ComputeCollection<? extends Message> c : collections) {
      if (changeIn(c, name, patch)) {
        return true;
      }
    }
    return false;
  }

  private <M extends Message> boolean changeIn(
      ComputeCollection<M> c, String name, JsonObject patch) {
    Optional<M> current = c.table.get(name);
    if (current.isEmpty()) {
      return false;
    }
    M changed = core.json().mergePatch(current.get(), patch);
    if (changed.getDescriptorForType().findFieldByName("fingerprint") != null) {
      Message.Builder b = changed.toBuilder();
      b.setField(b.getDescriptorForType().findFieldByName("fingerprint"), Fingerprints.of(changed));
      @SuppressWarnings("unchecked")
      M withFingerprint = (M) b.build();
      changed = withFingerprint;
    }
    c.table.put(name, changed);
    return true;
  }

  @Override
  public void reset() {
    core.locked(
        () -> {
          state.clear();
          operations.reset();
        });
  }
}
