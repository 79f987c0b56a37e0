package dev.runwire.job.steps;

import com.google.cloud.vpcaccess.v1.Connector;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.Optional;

/**
 * The Serverless VPC Access connector, on a bare /28 range or on its explicit /28 subnet. The API
 * has no update: any difference means a replacement, which apply refuses (a failed step naming the
 * fields).
 */
final class VpcConnectorStep extends ResourceStep<Connector, VpcConnectorStep.Spec>
    implements Creator<VpcConnectorStep.Spec>, Deleter<Connector> {

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
  private final String project;
  private final String region;
  private final String network;
  private final ServiceMarks marks;

  VpcConnectorStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.connector = request.egress().connector();
    this.project = request.target().project();
    this.region = request.target().region();
    this.network = request.target().network();
  }

  @Override
  public StepKind kind() {
    return StepKind.VPC_CONNECTOR;
  }

  @Override
  public String resource() {
    return Names.full("vpcaccess", Names.connector(project, region, connector.name()));
  }

  @Override
  protected Optional<Connector> read(StepContext ctx) {
    return inventory.connector(project, region, connector.name());
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
    return new StepOutputs.VpcConnector(Names.connector(project, region, connector.name()));
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
          Connector.Subnet.newBuilder().setName(desired.subnet()).setProjectId(project).build());
    } else {
      body.setNetwork(network).setIpCidrRange(desired.ipCidrRange());
    }
    ctx.startAndAwait(
        () ->
            clients
                .vpcAccess()
                .createConnectorAsync(
                    Names.location(project, region), connector.name(), body.build()),
        "connector " + connector.name() + " created");
  }

  @Override
  public void delete(Connector actual, StepContext ctx) {
    ctx.startAndAwait(
        () -> clients.vpcAccess().deleteConnectorAsync(actual.getName()),
        "connector " + connector.name() + " deleted");
  }
}
