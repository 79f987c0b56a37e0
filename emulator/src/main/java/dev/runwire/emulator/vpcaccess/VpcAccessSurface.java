package dev.runwire.emulator.vpcaccess;

import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.ListConnectorsResponse;
import com.google.cloud.vpcaccess.v1.OperationMetadata;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.LongRunningCollection;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.RunningOperation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
  public static final LatencyKey UPDATE = LatencyKey.of("vpcaccess.update", Duration.ofSeconds(60));

  /**
   * What PATCH may change (magic-modules mmv1/products/vpcaccess/Connector.yaml: update_verb PATCH
   * with update_mask; machineType, minInstances, maxInstances). Network, range and subnet are
   * create-only.
   */
  private static final List<String> UPDATABLE =
      List.of("machineType", "minInstances", "maxInstances");

  private static final String SERVICE = "google.cloud.vpcaccess.v1.VpcAccessService.";
  private static final LongRunningCollection.Shape CONNECTORS =
      new LongRunningCollection.Shape(
          "v1",
          "connectors",
          "connectorId",
          ConnectorChecks.ID,
          "2-25 lowercase letters, digits and hyphens, starting with a letter and not ending with"
              + " a hyphen ("
              + ConnectorChecks.ID.pattern()
              + ")",
          100,
          false);

  /** One connector: the API resource and the network it sits in. */
  private static final class Stored {
    Connector.Builder connector;
    final String network;

    Stored(Connector.Builder connector, String network) {
      this.connector = connector;
      this.network = network;
    }
  }

  private final CloudCore core;
  private final Networks networks;
  private final ConnectorChecks rules;
  private final LongRunningCollection<Stored, Connector> connectors;

  public VpcAccessSurface(CloudCore core, Networks networks) {
    this.core = core;
    this.networks = networks;
    this.rules = new ConnectorChecks(networks);
    this.connectors =
        new LongRunningCollection<>(
            core,
            api(),
            CONNECTORS,
            s -> s.connector.build(),
            (page, next) ->
                ListConnectorsResponse.newBuilder().addAllConnectors(page).setNextPageToken(next));
    core.json().registerAnyTypes(Connector.getDescriptor(), OperationMetadata.getDescriptor());
  }

  @Override
  public String api() {
    return "vpcaccess";
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return List.of(CREATE, DELETE, UPDATE);
  }

  @Override
  public void registerRoutes(Routes routes) {
    connectors.registerRoutes(routes, this::create, this::delete);
    routes.patch(connectors.resourcePath(), this::patch);
  }

  /** {@code max_instances} or {@code maxInstances} as {@code maxInstances}. */
  private static String camel(String path) {
    StringBuilder out = new StringBuilder();
    boolean up = false;
    for (char c : path.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        out.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return out.toString();
  }

  /** {@code PATCH .../connectors/{c}?updateMask=machineType,minInstances,maxInstances}. */
  private Reply patch(ApiRequest request) {
    String name = connectors.nameOf(request);
    Stored s = connectors.require(name);
    Connector in = request.body(Connector.newBuilder(), "connector").build();
    List<String> mask = request.queryList("updateMask");
    if (mask.isEmpty()) {
      throw ApiException.invalidArgument(
          "updateMask", "required: name the fields to change, e.g. ?updateMask=maxInstances");
    }
    Connector.Builder next = s.connector.clone();
    for (String path : mask) {
      String field = camel(path);
      if (!UPDATABLE.contains(field)) {
        throw ApiException.invalidArgument(
            "updateMask",
            "'"
                + path
                + "' cannot be updated; updatable fields are machineType, minInstances and"
                + " maxInstances (network, ipCidrRange and subnet are set at create)");
      }
      switch (field) {
        case "machineType" -> next.setMachineType(in.getMachineType());
        case "minInstances" -> next.setMinInstances(in.getMinInstances());
        default -> next.setMaxInstances(in.getMaxInstances());
      }
    }
    ConnectorChecks.checkSizing(next);
    if (s.connector.getState() != Connector.State.READY) {
      throw ApiException.failedPrecondition(
          "Connector '" + name + "' is " + s.connector.getState() + "; wait until it is READY");
    }
    s.connector.setState(Connector.State.UPDATING);
    Connector target = next.setState(Connector.State.READY).build();
    RunningOperation op = connectors.startOperation(name, metadata("UpdateConnector", name));
    core.transitions()
        .after(
            core.duration(UPDATE),
            () ->
                core.locked(
                    () -> {
                      if (connectors.isCurrent(name, s)
                          && s.connector.getState() == Connector.State.UPDATING) {
                        s.connector = target.toBuilder();
                        op.succeed(target);
                      }
                    }));
    return op.reply();
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
    String name = connectors.newName(request);
    String id = request.query(CONNECTORS.idParameter());
    Connector.Builder c = request.body(Connector.newBuilder(), "connector");
    if (!c.getName().isEmpty() && !c.getName().equals(name) && !c.getName().equals(id)) {
      throw ApiException.invalidArgument(
          "connector.name", "'" + c.getName() + "' does not match " + name);
    }
    ConnectorChecks.checkSizing(c);
    ConnectorChecks.Placement placement = rules.place(project, location, c);
    c.setName(name)
        .setState(Connector.State.CREATING)
        .clearConnectedProjects()
        .addConnectedProjects(project);
    networks.reserve(
        placement.project(), placement.network(), placement.cidr(), name, placement.purpose());
    Stored s = new Stored(c, placement.network());
    connectors.put(name, s);
    RunningOperation op = connectors.startOperation(name, metadata("CreateConnector", name));
    core.transitions()
        .after(core.duration(CREATE), () -> core.locked(() -> finishCreate(name, s, op)));
    return op.reply();
  }

  private void finishCreate(String name, Stored s, RunningOperation op) {
    if (!connectors.isCurrent(name, s) || s.connector.getState() != Connector.State.CREATING) {
      return;
    }
    Optional<String> fault = core.faults().operationFailure(name);
    if (fault.isPresent()) {
      connectors.remove(name);
      networks.release(name);
      op.fail(ApiException.internal(fault.get()));
      return;
    }
    s.connector.setState(Connector.State.READY);
    op.succeed(s.connector.build());
  }

  private Reply delete(ApiRequest request) {
    String name = connectors.nameOf(request);
    return connectors.delete(
        name,
        core.duration(DELETE),
        metadata("DeleteConnector", name),
        new LongRunningCollection.Deletion<>() {
          @Override
          public void begin(Stored s) {
            s.connector.setState(Connector.State.DELETING);
          }

          @Override
          public void kept(Stored s) {
            s.connector.setState(Connector.State.READY);
          }

          @Override
          public void removed(Stored s) {
            networks.release(name);
          }
        });
  }

  private static RunningOperation.Metadata metadata(String method, String target) {
    return (created, ended) -> {
      OperationMetadata.Builder m =
          OperationMetadata.newBuilder()
              .setMethod(SERVICE + method)
              .setCreateTime(created)
              .setTarget(target);
      if (ended != null) {
        m.setEndTime(ended);
      }
      return m.build();
    };
  }

  @Override
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    out.add("connectors", connectors.snapshot());
    return out;
  }

  /** The snapshot plus the network each connector sits in (a subnet connector does not say). */
  @Override
  public JsonObject save() {
    JsonObject out = snapshot();
    JsonObject networksByConnector = new JsonObject();
    connectors.names().forEach(n -> networksByConnector.addProperty(n, connectors.get(n).network));
    out.add("networks", networksByConnector);
    return out;
  }

  /** A connector still CREATING never was; one DELETING is READY again (its delete was lost). */
  @Override
  public void load(JsonObject saved) {
    JsonObject networksByConnector = saved.getAsJsonObject("networks");
    for (var tree : saved.getAsJsonArray("connectors")) {
      Connector.Builder c = core.json().fromTree(tree, Connector.newBuilder(), "connector");
      String name = c.getName();
      if (c.getState() == Connector.State.CREATING) {
        networks.release(name);
        continue;
      }
      if (c.getState() == Connector.State.DELETING) {
        c.setState(Connector.State.READY);
      }
      connectors.put(name, new Stored(c, networksByConnector.get(name).getAsString()));
    }
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = connectors.get(name);
    if (s == null) {
      return false;
    }
    s.connector = core.json().mergePatch(s.connector.build(), patch).toBuilder();
    return true;
  }

  @Override
  public void reset() {
    core.locked(
        () -> {
          connectors.names().forEach(networks::release);
          connectors.clear();
        });
  }
}
