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
final class EgressSubnetStep extends ComputeStep<Subnetwork, EgressSubnetStep.Spec>
    implements Creator<EgressSubnetStep.Spec>,
        Updater<Subnetwork, EgressSubnetStep.Spec>,
        Deleter<Subnetwork> {

  record Spec(String network, String ipCidrRange, Boolean privateIpGoogleAccess) {}

  private final String range;
  private final Boolean privateGoogleAccess;
  private final boolean directVpc;

  EgressSubnetStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    super(request, request.egress().egressSubnet().name(), clients, inventory, marks);
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
  protected String relativeName() {
    return at.subnetwork(name);
  }

  @Override
  protected Optional<Subnetwork> read(StepContext ctx) {
    return inventory.subnetwork(at.project(), at.region(), name);
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
    return new Spec(at.network(), range, privateGoogleAccess);
  }

  @Override
  protected Ownership ownership(Subnetwork subnet, StepContext ctx) {
    return markedOrRecorded(ManagedMarks.describedAsRunwire(subnet.getDescription()));
  }

  @Override
  protected StepOutput output(Subnetwork subnet, StepContext ctx) {
    return new StepOutputs.EgressSubnet(at.subnetwork(name));
  }

  /** What is sent: the desired spec, named and marked. */
  private Subnetwork body(Spec spec) {
    Subnetwork.Builder subnet =
        Subnetwork.newBuilder()
            .setName(name)
            .setNetwork(at.network(spec.network()))
            .setIpCidrRange(spec.ipCidrRange())
            .setDescription(ManagedMarks.DESCRIPTION_PREFIX + "Cloud Run egress subnet");
    if (spec.privateIpGoogleAccess() != null) {
      subnet.setPrivateIpGoogleAccess(spec.privateIpGoogleAccess());
    }
    return subnet.build();
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    InsertSubnetworkRequest request =
        InsertSubnetworkRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setSubnetworkResource(body(desired))
            .setRequestId(ComputeMutations.requestId(ctx.executionId(), name, "insert"))
            .build();
    compute.regional(
        ctx,
        "subnet " + name + " created",
        () -> clients.subnetworks().insertCallable().call(request));
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
            .setProject(at.project())
            .setRegion(at.region())
            .setSubnetwork(name)
            .setSubnetworksSetPrivateIpGoogleAccessRequestResource(
                SubnetworksSetPrivateIpGoogleAccessRequest.newBuilder()
                    .setPrivateIpGoogleAccess(desired.privateIpGoogleAccess()))
            .setRequestId(
                ComputeMutations.requestId(ctx.executionId(), name, "setPrivateIpGoogleAccess"))
            .build();
    compute.regional(
        ctx,
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
    DeleteSubnetworkRequest request =
        DeleteSubnetworkRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setSubnetwork(name)
            .build();
    try {
      compute.regional(
          ctx,
          "subnet " + name + " deleted",
          () -> clients.subnetworks().deleteCallable().call(request));
    } catch (RuntimeException e) {
      if (!directVpc) {
        throw e;
      }
      String refusal = ComputeMutations.inUse(e).orElseThrow(() -> e);
      throw new KeptOnDestroy(DirectVpcRelease.keptMessage(name, refusal, Instant.now()), e);
    }
  }
}
