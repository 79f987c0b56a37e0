package dev.runwire.job.steps;

import com.google.cloud.vpcaccess.v1.Connector;
import com.google.longrunning.Operation;
import com.google.rpc.Code;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Serverless VPC Access connector, on a bare /28 range or on its explicit /28 subnet. Machine
 * type and a growing instance count change in place (a PATCH with updateMask, which the Java client
 * lacks: {@link dev.runwire.job.cloud.ConnectorUpdates}); network, range, subnet and a shrinking
 * instance count need a new connector, which apply refuses (a failed step naming the fields), as
 * the Terraform provider decides (mmv1/products/vpcaccess/Connector.yaml: update_verb PATCH,
 * update_mask; {@code customdiff.ForceNewIfChange("min_instances"|"max_instances",
 * isInstanceShrinkage)}).
 */
final class VpcConnectorStep extends ResourceStep<Connector, VpcConnectorStep.Spec>
    implements Creator<VpcConnectorStep.Spec>,
        Updater<Connector, VpcConnectorStep.Spec>,
        Deleter<Connector> {

  /** What a PATCH may change. */
  private static final List<String> IN_PLACE =
      List.of("machineType", "minInstances", "maxInstances");

  /** Instance counts that may grow in place but not shrink. */
  private static final Set<String> GROW_ONLY = Set.of("minInstances", "maxInstances");

  record Spec(
      String network,
      String ipCidrRange,
      String subnet,
      Integer minInstances,
      Integer maxInstances,
      String machineType) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ProvisioningRequest.Connector connector;
  private final ApiLocation at;

  /** The request's network: a connector not on a subnet takes a range in it. */
  private final String network;

  private final ServiceMarks marks;

  VpcConnectorStep(
      ProvisioningRequest request,
      ApiLocation at,
      CloudClients clients,
      Inventory inventory,
      ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.connector = request.egress().connector();
    this.at = at;
    this.network = request.target().network();
  }

  @Override
  public StepKind kind() {
    return StepKind.VPC_CONNECTOR;
  }

  @Override
  public String resource() {
    return Names.full("vpcaccess", at.connector(connector.name()));
  }

  @Override
  protected Optional<Connector> read(StepContext ctx) {
    return inventory.connector(at, connector.name());
  }

  @Override
  protected Progress progress(Connector c) {
    return switch (c.getState()) {
      case READY -> Progress.READY;
      case ERROR -> Progress.FAILED;
      default -> Progress.IN_PROGRESS;
    };
  }

  @Override
  protected String detail(Connector c) {
    return c.getState().name();
  }

  @Override
  protected Spec actual(Connector c) {
    boolean onSubnet = c.hasSubnet() && !c.getSubnet().getName().isEmpty();
    return new Spec(
        onSubnet ? null : Names.last(c.getNetwork()),
        onSubnet ? null : c.getIpCidrRange(),
        onSubnet ? Names.last(c.getSubnet().getName()) : null,
        c.getMinInstances(),
        c.getMaxInstances(),
        c.getMachineType());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    boolean onSubnet = connector.subnet() != null;
    return new Spec(
        onSubnet ? null : network,
        onSubnet ? null : connector.range(),
        onSubnet ? connector.subnet().name() : null,
        connector.minInstances(),
        connector.maxInstances(),
        connector.machineType());
  }

  /** A connector has no labels or description: the service records the ones runwire owns. */
  @Override
  protected Ownership ownership(Connector c, StepContext ctx) {
    return marks.records(StepKind.VPC_CONNECTOR, connector.name())
        ? Ownership.RECORDED
        : Ownership.NONE;
  }

  @Override
  protected String recordedName() {
    return connector.name();
  }

  @Override
  protected StepOutput output(Connector c, StepContext ctx) {
    return new StepOutputs.VpcConnector(at.connector(connector.name()));
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    Connector.Builder body =
        Connector.newBuilder()
            .setMinInstances(desired.minInstances())
            .setMaxInstances(desired.maxInstances())
            .setMachineType(desired.machineType());
    if (desired.subnet() != null) {
      body.setSubnet(
          Connector.Subnet.newBuilder()
              .setName(desired.subnet())
              .setProjectId(at.project())
              .build());
    } else {
      body.setNetwork(desired.network()).setIpCidrRange(desired.ipCidrRange());
    }
    ctx.startAndAwait(
        () -> clients.vpcAccess().createConnectorAsync(at.parent(), connector.name(), body.build()),
        "connector " + connector.name() + " created");
  }

  @Override
  public Set<String> replacementFields() {
    return Set.of("network", "ipCidrRange", "subnet");
  }

  @Override
  public List<FieldDiff> needsReplacement(List<FieldDiff> diff) {
    List<FieldDiff> blocking = new ArrayList<>(Updater.super.needsReplacement(diff));
    diff.stream().filter(d -> GROW_ONLY.contains(d.field()) && shrinks(d)).forEach(blocking::add);
    return blocking;
  }

  private static boolean shrinks(FieldDiff d) {
    try {
      return Integer.parseInt(d.desired()) < Integer.parseInt(d.actual());
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void update(Connector actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    List<String> mask =
        diff.stream().map(FieldDiff::field).filter(IN_PLACE::contains).distinct().toList();
    Connector body =
        Connector.newBuilder()
            .setName(actual.getName())
            .setMachineType(desired.machineType())
            .setMinInstances(desired.minInstances())
            .setMaxInstances(desired.maxInstances())
            .build();
    String what = "connector " + connector.name() + " updated (" + String.join(", ", mask) + ")";
    Operation started = ctx.call(() -> clients.connectorUpdates().update(body, mask));
    Operation done =
        started.getDone()
            ? started
            : ctx.waits()
                .untilAfterPause(
                    () ->
                        ctx.call(
                            () ->
                                clients
                                    .vpcAccess()
                                    .getHttpJsonOperationsClient()
                                    .getOperation(started.getName())),
                    Operation::getDone,
                    ctx.deadline(),
                    what);
    if (done.hasError()) {
      throw new StepFailure(
          String.valueOf(Code.forNumber(done.getError().getCode())),
          what + " failed: " + done.getError().getMessage());
    }
  }

  @Override
  public void delete(Connector actual, StepContext ctx) {
    ctx.startAndAwait(
        () -> clients.vpcAccess().deleteConnectorAsync(actual.getName()),
        "connector " + connector.name() + " deleted");
  }
}
