package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkPeering;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Projects;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Service Networking v1, the calls behind {@code gcloud services vpc-peerings connect
 * --service=servicenetworking.googleapis.com --ranges=NAME --network=N}: {@code POST
 * /v1/services/{service}/connections} {@code {network, reservedPeeringRanges}}, {@code GET
 * /v1/services/{service}/connections?network=} and {@code GET /v1/operations/{op}}. A connection
 * peers the network with Google's producer network: {@code networks.get} then lists the peering
 * {@code servicenetworking-googleapis-com}, and Memorystore can use the connected ranges
 * (connectMode PRIVATE_SERVICE_ACCESS). JSON is written by hand: the servicenetworking protos are
 * not on the classpath.
 */
public final class ServiceNetworkingSurface implements ApiSurface {

  static final String SERVICE = "servicenetworking.googleapis.com";
  static final String PEERING = "servicenetworking-googleapis-com";

  private final CloudCore core;
  private final ComputeState state;

  ServiceNetworkingSurface(CloudCore core, ComputeState state) {
    this.core = core;
    this.state = state;
  }

  @Override
  public String api() {
    return "servicenetworking";
  }

  @Override
  public void registerRoutes(Routes routes) {
    routes
        .post("/v1/services/{service}/connections", this::connect)
        .get("/v1/services/{service}/connections", this::list)
        .poll("/v1/operations/{operation}", this::operation);
  }

  private Reply connect(ApiRequest request) {
    requireService(request);
    JsonObject body =
        JsonParser.parseString(new String(request.rawBody(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    ResourceRef network = network(body.has("network") ? body.get("network").getAsString() : "");
    Network net =
        state
            .networks
            .get(network.relative())
            .orElseThrow(
                () ->
                    ApiException.invalidArgument(
                        "network", "network '" + network.relative() + "' does not exist"));
    List<String> ranges = new ArrayList<>();
    if (body.has("reservedPeeringRanges")) {
      body.getAsJsonArray("reservedPeeringRanges").forEach(r -> ranges.add(r.getAsString()));
    }
    if (ranges.isEmpty()) {
      throw ApiException.invalidArgument(
          "reservedPeeringRanges",
          "name at least one allocated range (gcloud compute addresses create NAME --global"
              + " --purpose=VPC_PEERING --prefix-length=16 --network=N)");
    }
    for (String name : ranges) {
      Optional<Address> a =
          state.globalAddresses.get(
              ResourceRef.global(network.project(), "addresses", name).relative());
      if (a.isEmpty()
          || !a.get().getPurpose().equals("VPC_PEERING")
          || !a.get().getNetwork().equals(net.getSelfLink())) {
        throw ApiException.invalidArgument(
            "reservedPeeringRanges",
            "'"
                + name
                + "' is not an allocated range (a global address with purpose VPC_PEERING) of "
                + network.relative());
      }
    }
    state.serviceConnections.put(net.getSelfLink(), ranges);
    state.networks.put(
        network.relative(),
        net.toBuilder()
            .clearPeerings()
            .addAllPeerings(
                net.getPeeringsList().stream().filter(p -> !p.getName().equals(PEERING)).toList())
            .addPeerings(
                NetworkPeering.newBuilder()
                    .setName(PEERING)
                    .setNetwork(
                        ResourceRef.LINK_BASE
                            + "projects/"
                            + Projects.urlHash(network.project())
                            + "-tp/global/networks/servicenetworking")
                    .setState("ACTIVE")
                    .setStateDetails("[" + ComputeTime.now() + "]: Connected.")
                    .setAutoCreateRoutes(true)
                    .setExchangeSubnetRoutes(true)
                    .setExportCustomRoutes(false)
                    .setImportCustomRoutes(false))
            .build());
    JsonObject op = new JsonObject();
    op.addProperty("name", "operations/pssn." + core.ids().lower(24));
    op.addProperty("done", true);
    JsonObject response = connection(net.getSelfLink(), network, ranges);
    response.addProperty(
        "@type", "type.googleapis.com/google.cloud.servicenetworking.v1.Connection");
    op.add("response", response);
    return Reply.json(op);
  }

  private Reply list(ApiRequest request) {
    requireService(request);
    String filter = request.query("network");
    if (filter == null || filter.isEmpty()) {
      throw ApiException.invalidArgument(
          "network", "required: projects/PROJECT_NUMBER/global/networks/NETWORK");
    }
    ResourceRef network = network(filter);
    JsonArray out = new JsonArray();
    String link = network.link();
    List<String> ranges = state.serviceConnections.get(link);
    if (ranges != null) {
      out.add(connection(link, network, ranges));
    }
    JsonObject body = new JsonObject();
    body.add("connections", out);
    return Reply.json(body);
  }

  /** Connections finish at once: any operation name answers done. */
  private Reply operation(ApiRequest request) {
    JsonObject op = new JsonObject();
    op.addProperty("name", "operations/" + request.var("operation"));
    op.addProperty("done", true);
    return Reply.json(op);
  }

  private JsonObject connection(String link, ResourceRef network, List<String> ranges) {
    JsonObject c = new JsonObject();
    c.addProperty(
        "network",
        "projects/" + Projects.number(network.project()) + "/global/networks/" + network.name());
    c.addProperty("peering", PEERING);
    c.addProperty("service", "services/" + SERVICE);
    JsonArray r = new JsonArray();
    ranges.forEach(r::add);
    c.add("reservedPeeringRanges", r);
    return c;
  }

  private static void requireService(ApiRequest request) {
    if (!request.var("service").equals(SERVICE)) {
      throw ApiException.notFound("services/" + request.var("service"));
    }
  }

  /** {@code projects/(NUMBER|ID)/global/networks/N}: a project number maps to a known id. */
  private ResourceRef network(String name) {
    String[] p = name.split("/");
    if (p.length != 5 || !p[0].equals("projects") || !p[2].equals("global")) {
      throw ApiException.invalidArgument(
          "network", "'" + name + "' is not projects/PROJECT_NUMBER/global/networks/NETWORK");
    }
    String project = p[1];
    if (project.chars().allMatch(Character::isDigit)) {
      long number = Long.parseLong(project);
      project =
          state.projectIds().stream()
              .filter(id -> Projects.number(id) == number)
              .findFirst()
              .orElseThrow(
                  () ->
                      ApiException.invalidArgument(
                          "network", "no project with number " + number + " is known here"));
    }
    state.ensureProject(project);
    return ResourceRef.global(project, "networks", p[4]);
  }

  @Override
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    state.serviceConnections.forEach(
        (link, ranges) -> {
          JsonArray r = new JsonArray();
          ranges.forEach(r::add);
          out.add(link, r);
        });
    return out;
  }

  @Override
  public void load(JsonObject saved) {
    if (saved == null) {
      return;
    }
    saved
        .entrySet()
        .forEach(
            e -> {
              List<String> ranges = new ArrayList<>();
              e.getValue().getAsJsonArray().forEach(r -> ranges.add(r.getAsString()));
              state.serviceConnections.put(e.getKey(), ranges);
            });
  }

  @Override
  public void reset() {
    core.locked(state.serviceConnections::clear);
  }
}
