package dev.runwire.job.steps;

import com.google.cloud.compute.v1.DeleteRouterRequest;
import com.google.cloud.compute.v1.InsertRouterRequest;
import com.google.cloud.compute.v1.Router;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.Optional;

/**
 * The Cloud Router that carries the NAT. Destroy deletes it only when nothing else lives on it
 * (other NATs, BGP peers, interfaces).
 */
final class CloudRouterStep extends ComputeStep<Router, CloudRouterStep.Spec>
    implements Creator<CloudRouterStep.Spec>, Deleter<Router> {

  record Spec(String network) {}

  CloudRouterStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    super(request, request.names().router(), clients, inventory, marks);
  }

  @Override
  public StepKind kind() {
    return StepKind.CLOUD_ROUTER;
  }

  @Override
  protected String relativeName() {
    return at.router(name);
  }

  @Override
  protected Optional<Router> read(StepContext ctx) {
    return inventory.router(at.project(), at.region(), name);
  }

  @Override
  protected Spec actual(Router router) {
    return new Spec(Names.last(router.getNetwork()));
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(at.network());
  }

  @Override
  protected Ownership ownership(Router router, StepContext ctx) {
    return markedOrRecorded(ManagedMarks.describedAsRunwire(router.getDescription()));
  }

  /** What is sent: the desired spec, named and marked. */
  private Router body(Spec spec) {
    return Router.newBuilder()
        .setName(name)
        .setNetwork(at.network(spec.network()))
        .setDescription(
            ManagedMarks.DESCRIPTION_PREFIX + "carries the NAT for the static egress IP")
        .build();
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    InsertRouterRequest request =
        InsertRouterRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setRouterResource(body(desired))
            .setRequestId(ComputeMutations.requestId(ctx.executionId(), name, "insert"))
            .build();
    compute.regional(
        ctx, "router " + name + " created", () -> clients.routers().insertCallable().call(request));
  }

  @Override
  protected String keepOnDestroy(Router router, StepContext ctx) {
    if (router.getNatsCount() > 0
        || router.getBgpPeersCount() > 0
        || router.getInterfacesCount() > 0) {
      return "kept: the router carries other NATs, BGP peers or interfaces";
    }
    return null;
  }

  @Override
  public void delete(Router actual, StepContext ctx) {
    DeleteRouterRequest request =
        DeleteRouterRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setRouter(name)
            .build();
    compute.regional(
        ctx, "router " + name + " deleted", () -> clients.routers().deleteCallable().call(request));
  }
}
