package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.DeleteAddressRequest;
import com.google.cloud.compute.v1.InsertAddressRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.Optional;

/**
 * The reserved regional EXTERNAL address Cloud NAT sends the service's traffic from. An address
 * cannot change in place; a different one would change the egress IP others may have allow-listed,
 * so a difference is a replacement apply refuses.
 */
final class StaticAddressStep extends ComputeStep<Address, StaticAddressStep.Spec>
    implements Creator<StaticAddressStep.Spec>, Deleter<Address> {

  record Spec(String addressType) {}

  StaticAddressStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    super(request, request.names().address(), clients, inventory, marks);
  }

  @Override
  public StepKind kind() {
    return StepKind.STATIC_ADDRESS;
  }

  @Override
  protected String relativeName() {
    return at.address(name);
  }

  @Override
  protected Optional<Address> read(StepContext ctx) {
    return inventory.address(at.project(), at.region(), name);
  }

  @Override
  protected Progress progress(Address address) {
    return "RESERVING".equals(address.getStatus()) ? Progress.IN_PROGRESS : Progress.READY;
  }

  @Override
  protected String detail(Address address) {
    return address.getStatus();
  }

  @Override
  protected Spec actual(Address address) {
    return new Spec(address.hasAddressType() ? address.getAddressType() : "EXTERNAL");
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec("EXTERNAL");
  }

  @Override
  protected Ownership ownership(Address address, StepContext ctx) {
    return markedOrRecorded(
        ManagedMarks.describedAsRunwire(address.getDescription())
            || ManagedMarks.isManaged(address.getLabelsMap()));
  }

  @Override
  protected StepOutput output(Address address, StepContext ctx) {
    return new StepOutputs.EgressIp(address.getAddress());
  }

  /** What is sent: the desired spec, named and marked. */
  private Address body(Spec spec) {
    return Address.newBuilder()
        .setName(name)
        .setAddressType(spec.addressType())
        .setDescription(ManagedMarks.DESCRIPTION_PREFIX + "static egress IP")
        .putAllLabels(ManagedMarks.label())
        .build();
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    InsertAddressRequest request =
        InsertAddressRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setAddressResource(body(desired))
            .setRequestId(ComputeMutations.requestId(ctx.executionId(), name, "insert"))
            .build();
    compute.regional(
        ctx,
        "address " + name + " reserved",
        () -> clients.addresses().insertCallable().call(request));
  }

  @Override
  public void delete(Address actual, StepContext ctx) {
    DeleteAddressRequest request =
        DeleteAddressRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setAddress(name)
            .build();
    compute.regional(
        ctx,
        "address " + name + " released",
        () -> clients.addresses().deleteCallable().call(request));
  }
}
