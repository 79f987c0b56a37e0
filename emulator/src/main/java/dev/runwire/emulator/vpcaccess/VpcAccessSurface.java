package dev.runwire.emulator.vpcaccess;

import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.ListConnectorsResponse;
import com.google.cloud.vpcaccess.v1.OperationMetadata;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.JsonMergePatch;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Serverless VPC Access v1: connectors create / get / list / delete with google.longrunning
 * operations ({@code OperationMetadata}, response {@code Connector}, delete {@code Empty}). A
 * connector holds its /28 in the network from create to delete, so subnets, Redis ranges and other
 * connectors cannot overlap it. {@link #connectors()} is the {@link Connectors} seam Cloud Run
 * checks a revision's {@code vpcAccess.connector} against.
 */
public final class VpcAccessSurface implements ApiSurface {

  public static final LatencyKey CREATE = LatencyKey.of("vpcaccess.create", Duration.ofSeconds(90));
  public static final LatencyKey DELETE = LatencyKey.of("vpcaccess.delete", Duration.ofSeconds(60));

  private static final String SERVICE = "google.cloud.vpcaccess.v1.VpcAccessService.";

  /** One connector: the API resource, the network it sits in, its running operation. */
  private static final class Stored {
    Connector.Builder connector;
    final String network;
    String operation;

    Stored(Connector.Builder connector, String network) {
      this.connector = connector;
      this.network = network;
    }
  }

  private final CloudCore core;
  private final Networks networks;
  private final ConnectorRules rules;
  private final Map<String, Stored> connectors = new TreeMap<>();

  public VpcAccessSurface(CloudCore core, Networks networks) {
    this.core = core;
    this.networks = networks;
    this.rules = new ConnectorRules(networks);
    core.json().registerAnyTypes(Connector.getDescriptor(), OperationMetadata.getDescriptor());
  }

  @Override
  public String api() {
    return "vpcaccess";
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return List.of(CREATE, DELETE);
  }

  @Override
  public void registerRoutes(Routes routes) {
    String parent = "/v1/projects/{project}/locations/{location}/connectors";
    routes
        .post(parent, this::create)
        .get(parent, this::list)
        .get(parent + "/{connector}", this::get)
        .delete(parent + "/{connector}", this::delete);
  }

  /** The connectors, for Cloud Run's {@code vpcAccess.connector} references. */
  public Connectors connectors() {
    return this::find;
  }

  /** Called with the state lock held. */
  private Optional<Connectors.Connector> find(String name) {
    Stored s = connectors.get(name);
    return s == null
        ? Optional.empty()
        : Optional.of(
            new Connectors.Connector(
                name, s.network, s.connector.getState() == Connector.State.READY));
  }

  private Reply create(ApiRequest request) {
    String project = request.var("project");
    String location = request.var("location");
    String parent = "projects/" + project + "/locations/" + location;
    String id = request.query("connectorId");
    ConnectorRules.checkId(id);
    Regions.require("parent", location);
    String name = parent + "/connectors/" + id;
    if (connectors.containsKey(name)) {
      throw ApiException.alreadyExists(name);
    }
    Connector.Builder c = request.body(Connector.newBuilder(), "connector");
    if (!c.getName().isEmpty() && !c.getName().equals(name) && !c.getName().equals(id)) {
      throw ApiException.invalidArgument(
          "connector.name", "'" + c.getName() + "' does not match " + name);
    }
    ConnectorRules.checkSizing(c);
    ConnectorRules.Placement placement = rules.place(project, location, c);
    c.setName(name)
        .setState(Connector.State.CREATING)
        .clearConnectedProjects()
        .addConnectedProjects(project);
    networks.reserve(
        placement.project(), placement.network(), placement.cidr(), name, placement.purpose());
    Stored s = new Stored(c, placement.network());
    connectors.put(name, s);
    String op = core.operations().start(api(), parent, metadata("CreateConnector", name, null));
    s.operation = op;
    core.transitions()
        .after(core.duration(CREATE), () -> core.locked(() -> finishCreate(name, s, op)));
    return core.operations().reply(op);
  }

  private void finishCreate(String name, Stored s, String op) {
    if (connectors.get(name) != s || s.connector.getState() != Connector.State.CREATING) {
      return;
    }
    s.operation = null;
    Optional<String> fault = core.faults().operationFailure(name);
    if (fault.isPresent()) {
      connectors.remove(name);
      networks.release(name);
      core.operations()
          .fail(
              op,
              metadata("CreateConnector", name, core.now()),
              ApiException.internal(fault.get()));
      return;
    }
    s.connector.setState(Connector.State.READY);
    core.operations()
        .succeed(op, metadata("CreateConnector", name, core.now()), s.connector.build());
  }

  private Reply get(ApiRequest request) {
    return Reply.of(require(nameOf(request)).connector.build());
  }

  private Reply list(ApiRequest request) {
    String prefix =
        "projects/"
            + request.var("project")
            + "/locations/"
            + request.var("location")
            + "/connectors/";
    List<Connector> all = new ArrayList<>();
    connectors.forEach(
        (name, s) -> {
          if (name.startsWith(prefix)) {
            all.add(s.connector.build());
          }
        });
    Pages.Page<Connector> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 100);
    return Reply.of(
        ListConnectorsResponse.newBuilder()
            .addAllConnectors(page.items())
            .setNextPageToken(page.nextPageToken()));
  }

  private Reply delete(ApiRequest request) {
    String name = nameOf(request);
    Stored s = require(name);
    if (s.connector.getState() == Connector.State.DELETING) {
      throw ApiException.failedPrecondition(
          "Connector '" + name + "' is already being deleted by operation " + s.operation);
    }
    if (s.operation != null && !core.operations().isDone(s.operation)) {
      core.operations()
          .fail(
              s.operation,
              metadata("CreateConnector", name, core.now()),
              ApiException.aborted("Connector '" + name + "' was deleted before it was ready"));
    }
    s.connector.setState(Connector.State.DELETING);
    String parent = name.substring(0, name.indexOf("/connectors/"));
    String op = core.operations().start(api(), parent, metadata("DeleteConnector", name, null));
    s.operation = op;
    core.transitions()
        .after(core.duration(DELETE), () -> core.locked(() -> finishDelete(name, s, op)));
    return core.operations().reply(op);
  }

  private void finishDelete(String name, Stored s, String op) {
    if (connectors.get(name) != s) {
      return;
    }
    s.operation = null;
    Optional<String> fault = core.faults().operationFailure(name);
    if (fault.isPresent()) {
      s.connector.setState(Connector.State.READY);
      core.operations()
          .fail(
              op,
              metadata("DeleteConnector", name, core.now()),
              ApiException.internal(fault.get()));
      return;
    }
    connectors.remove(name);
    networks.release(name);
    core.operations()
        .succeed(op, metadata("DeleteConnector", name, core.now()), Empty.getDefaultInstance());
  }

  private OperationMetadata metadata(String method, String target, Timestamp end) {
    OperationMetadata.Builder m =
        OperationMetadata.newBuilder()
            .setMethod(SERVICE + method)
            .setCreateTime(core.now())
            .setTarget(target);
    if (end != null) {
      m.setEndTime(end);
    }
    return m.build();
  }

  private Stored require(String name) {
    Stored s = connectors.get(name);
    if (s == null) {
      throw ApiException.notFound(name);
    }
    return s;
  }

  private static String nameOf(ApiRequest r) {
    return "projects/"
        + r.var("project")
        + "/locations/"
        + r.var("location")
        + "/connectors/"
        + r.var("connector");
  }

  @Override
  public JsonObject snapshot() {
    JsonArray list = new JsonArray();
    connectors.values().forEach(s -> list.add(core.json().toTree(s.connector)));
    JsonObject out = new JsonObject();
    out.add("connectors", list);
    return out;
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = connectors.get(name);
    if (s == null) {
      return false;
    }
    JsonObject merged =
        JsonMergePatch.apply(core.json().toTree(s.connector), patch).getAsJsonObject();
    s.connector = core.json().fromTree(merged, Connector.newBuilder(), "patch");
    return true;
  }

  @Override
  public void reset() {
    core.locked(
        () -> {
          connectors.keySet().forEach(networks::release);
          connectors.clear();
        });
  }
}
