package dev.runwire.job.steps;

import com.google.cloud.compute.v1.DeleteRouterRequest;
import com.google.cloud.compute.v1.InsertRouterRequest;
import com.google.cloud.compute.v1.Router;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.Optional;

/**
 * The Cloud Router that carries the NAT. Destroy deletes it only when nothing else lives on it
 * (other NATs, BGP peers, interfaces).
 */
final class CloudRouterStep extends ResourceStep<Router, CloudRouterStep.Spec>
    implements Creator<CloudRouterStep.Spec>, Deleter<Router> {

  record Spec(String network) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final String project;
  private final String region;
  private final String network;
  private final String name;
  private final ServiceMarks marks;

  CloudRouterStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.project = request.target().project();
    this.region = request.target().region();
    this.network = request.target().network();
    this.name = request.names().router();
  }

  @Override
  public StepKind kind() {
    return StepKind.CLOUD_ROUTER;
  }

  @Override
  public String resource() {
    return Names.full("compute", "projects/" + project + "/regions/" + region + "/routers/" + name);
  }

  @Override
  protected Optional<Router> read(StepContext ctx) {
    return inventory.router(project, region, name);
  }

  @Override
  protected Spec actual(Router router) {
    return new Spec(Names.last(router.getNetwork()));
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(network);
  }

  @Override
  protected Ownership ownership(Router router, StepContext ctx) {
    if (ManagedMarks.describedAsRunwire(router.getDescription())) {
      return Ownership.MARKED;
    }
    return marks.records(StepKind.CLOUD_ROUTER, name) ? Ownership.RECORDED : Ownership.NONE;
  }

  @Override
  protected String recordedName() {
    return name;
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    InsertRouterRequest request =
        InsertRouterRequest.newBuilder()
            .setProject(project)
            .setRegion(region)
            .setRouterResource(
                Router.newBuilder()
                    .setName(name)
                    .setNetwork(Names.network(project, network))
                    .setDescription(Names.CREATED_BY + "carries the NAT for the static egress IP"))
            .setRequestId(Names.computeRequestId(ctx.executionId(), name, "insert"))
            .build();
    ComputeOperations.run(
        ctx,
        clients,
        project,
        region,
        "router " + name + " created",
        () -> clients.routers().insertCallable().call(request));
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
    ComputeOperations.run(
        ctx,
        clients,
        project,
        region,
        "router " + name + " deleted",
        () ->
            clients
                .routers()
                .deleteCallable()
                .call(
                    DeleteRouterRequest.newBuilder()
                        .setProject(project)
                        .setRegion(region)
                        .setRouter(name)
                        .build()));
  }
}
