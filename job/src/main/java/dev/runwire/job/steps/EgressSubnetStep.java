package dev.runwire.job.steps;

import com.google.cloud.compute.v1.DeleteSubnetworkRequest;
import com.google.cloud.compute.v1.InsertSubnetworkRequest;
import com.google.cloud.compute.v1.SetPrivateIpGoogleAccessSubnetworkRequest;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksSetPrivateIpGoogleAccessRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.KeptOnDestroy;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.ProvisioningRequest.Route;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The subnet the service's traffic leaves from: the Direct VPC egress subnet (/26 or larger), or
 * the connector's explicit /28 subnet. Network and range cannot change in place. With Direct VPC
 * and all-traffic egress, Private Google Access is turned on so the service still reaches Google
 * APIs; that one changes in place through {@code subnetworks.setPrivateIpGoogleAccess} (never a
 * PATCH).
 */
final class EgressSubnetStep extends ResourceStep<Subnetwork, EgressSubnetStep.Spec>
    implements Creator<EgressSubnetStep.Spec>,
        Updater<Subnetwork, EgressSubnetStep.Spec>,
        Deleter<Subnetwork> {

  record Spec(String network, String ipCidrRange, Boolean privateIpGoogleAccess) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final String project;
  private final String region;
  private final String network;
  private final String name;
  private final String range;
  private final Boolean privateGoogleAccess;
  private final ServiceMarks marks;
  private final boolean directVpc;

  EgressSubnetStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.project = request.target().project();
    this.region = request.target().region();
    this.network = request.target().network();
    this.name = request.egress().egressSubnet().name();
    this.range = request.egress().egressSubnet().range();
    this.directVpc = request.egress().mode() == EgressMode.DIRECT_VPC;
    boolean directAllTraffic = directVpc && request.egress().route() == Route.ALL_TRAFFIC;
    this.privateGoogleAccess = directAllTraffic ? Boolean.TRUE : null;
  }

  @Override
  public StepKind kind() {
    return StepKind.EGRESS_SUBNET;
  }

  @Override
  public String resource() {
    return Names.full("compute", Names.subnetwork(project, region, name));
  }

  @Override
  protected Optional<Subnetwork> read(StepContext ctx) {
    return inventory.subnetwork(project, region, name);
  }

  @Override
  protected Spec actual(Subnetwork subnet) {
    return new Spec(
        Names.last(subnet.getNetwork()),
        subnet.getIpCidrRange(),
        subnet.getPrivateIpGoogleAccess());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(network, range, privateGoogleAccess);
  }

  @Override
  protected Ownership ownership(Subnetwork subnet, StepContext ctx) {
    if (ManagedMarks.describedAsRunwire(subnet.getDescription())) {
      return Ownership.MARKED;
    }
    return marks.records(StepKind.EGRESS_SUBNET, name) ? Ownership.RECORDED : Ownership.NONE;
  }

  @Override
  protected String recordedName() {
    return name;
  }

  @Override
  protected StepOutput output(Subnetwork subnet, StepContext ctx) {
    return new StepOutputs.EgressSubnet(Names.subnetwork(project, region, name));
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    Subnetwork.Builder subnet =
        Subnetwork.newBuilder()
            .setName(name)
            .setNetwork(Names.network(project, network))
            .setIpCidrRange(range)
            .setDescription(Names.CREATED_BY + "Cloud Run egress subnet");
    if (privateGoogleAccess != null) {
      subnet.setPrivateIpGoogleAccess(privateGoogleAccess);
    }
    ComputeOperations.run(
        ctx,
        clients,
        project,
        region,
        "subnet " + name + " created",
        () ->
            clients
                .subnetworks()
                .insertCallable()
                .call(
                    InsertSubnetworkRequest.newBuilder()
                        .setProject(project)
                        .setRegion(region)
                        .setSubnetworkResource(subnet)
                        .setRequestId(Names.computeRequestId(ctx.executionId(), name, "insert"))
                        .build()));
  }

  @Override
  public Set<String> replacementFields() {
    return Set.of("network", "ipCidrRange");
  }

  /**
   * Private Google Access is the one field that changes in place, and only through {@code
   * subnetworks.setPrivateIpGoogleAccess}: Compute refuses it in a PATCH ("The following field(s)
   * specified in the request cannot be modified: [privateIpGoogleAccess]"; GCP-FACTS, permission
   * {@code compute.subnetworks.setPrivateIpGoogleAccess}).
   */
  @Override
  public void update(Subnetwork actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    SetPrivateIpGoogleAccessSubnetworkRequest request =
        SetPrivateIpGoogleAccessSubnetworkRequest.newBuilder()
            .setProject(project)
            .setRegion(region)
            .setSubnetwork(name)
            .setSubnetworksSetPrivateIpGoogleAccessRequestResource(
                SubnetworksSetPrivateIpGoogleAccessRequest.newBuilder()
                    .setPrivateIpGoogleAccess(desired.privateIpGoogleAccess()))
            .setRequestId(
                Names.computeRequestId(ctx.executionId(), name, "setPrivateIpGoogleAccess"))
            .build();
    ComputeOperations.run(
        ctx,
        clients,
        project,
        region,
        "subnet " + name + " Private Google Access set",
        () -> clients.subnetworks().setPrivateIpGoogleAccessCallable().call(request));
  }

  /**
   * A subnet Cloud Run held for Direct VPC egress cannot be deleted for 1-2 hours after the service
   * left it (Compute refuses with resourceInUseByAnotherResource): destroy keeps it and says when
   * to run again, instead of failing.
   */
  @Override
  public void delete(Subnetwork actual, StepContext ctx) {
    try {
      ComputeOperations.run(
          ctx,
          clients,
          project,
          region,
          "subnet " + name + " deleted",
          () ->
              clients
                  .subnetworks()
                  .deleteCallable()
                  .call(
                      DeleteSubnetworkRequest.newBuilder()
                          .setProject(project)
                          .setRegion(region)
                          .setSubnetwork(name)
                          .build()));
    } catch (RuntimeException e) {
      if (!directVpc) {
        throw e;
      }
      String refusal = ComputeOperations.inUse(e).orElseThrow(() -> e);
      throw new KeptOnDestroy(DirectVpcRelease.keptMessage(name, refusal, Instant.now()), e);
    }
  }
}
