package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.DeleteFirewallRequest;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.InsertFirewallRequest;
import com.google.cloud.compute.v1.PatchFirewallRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * On a custom network, the ingress rule that lets the egress range reach the Redis port (6379, or
 * 6378 with TLS). The {@code default} network's {@code default-allow-internal} already does.
 */
final class FirewallStep extends ResourceStep<Firewall, FirewallStep.Spec>
    implements Creator<FirewallStep.Spec>, Updater<Firewall, FirewallStep.Spec>, Deleter<Firewall> {

  record Spec(String network, String direction, List<String> sourceRanges, List<String> allowed) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final String project;
  private final String network;
  private final String name;
  private final String sourceRange;
  private final int port;

  FirewallStep(ProvisioningRequest request, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.project = request.target().project();
    this.network = request.target().network();
    this.name = request.names().firewall();
    this.sourceRange = request.egress().sourceRange();
    this.port = request.redis().expectedPort();
  }

  @Override
  public StepKind kind() {
    return StepKind.FIREWALL;
  }

  @Override
  public String resource() {
    return Names.full("compute", "projects/" + project + "/global/firewalls/" + name);
  }

  @Override
  protected Optional<Firewall> read(StepContext ctx) {
    return inventory.firewall(project, name);
  }

  @Override
  protected Spec actual(Firewall f) {
    return new Spec(
        Names.last(f.getNetwork()),
        f.getDirection(),
        List.copyOf(f.getSourceRangesList()),
        f.getAllowedList().stream()
            .flatMap(
                a ->
                    a.getPortsList().isEmpty()
                        ? Stream.of(a.getIPProtocol())
                        : a.getPortsList().stream().map(p -> a.getIPProtocol() + ":" + p))
            .toList());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(network, "INGRESS", List.of(sourceRange), List.of("tcp:" + port));
  }

  private Firewall body() {
    return Firewall.newBuilder()
        .setName(name)
        .setNetwork(Names.network(project, network))
        .setDirection("INGRESS")
        .addSourceRanges(sourceRange)
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts(String.valueOf(port)))
        .setDescription(Names.CREATED_BY + "Cloud Run egress to Redis")
        .build();
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    InsertFirewallRequest request =
        InsertFirewallRequest.newBuilder()
            .setProject(project)
            .setFirewallResource(body())
            .setRequestId(Names.computeRequestId(ctx.executionId(), name, "insert"))
            .build();
    ComputeOperations.run(
        ctx,
        clients,
        project,
        null,
        "firewall " + name + " created",
        () -> clients.firewalls().insertCallable().call(request));
  }

  @Override
  public Set<String> replacementFields() {
    return Set.of("network", "direction");
  }

  @Override
  public void update(Firewall actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    PatchFirewallRequest request =
        PatchFirewallRequest.newBuilder()
            .setProject(project)
            .setFirewall(name)
            .setFirewallResource(body())
            .setRequestId(Names.computeRequestId(ctx.executionId(), name, "patch"))
            .build();
    ComputeOperations.run(
        ctx,
        clients,
        project,
        null,
        "firewall " + name + " patched",
        () -> clients.firewalls().patchCallable().call(request));
  }

  @Override
  protected Ownership ownership(Firewall firewall, StepContext ctx) {
    return ManagedMarks.describedAsRunwire(firewall.getDescription())
        ? Ownership.MARKED
        : Ownership.NONE;
  }

  @Override
  public void delete(Firewall actual, StepContext ctx) {
    ComputeOperations.run(
        ctx,
        clients,
        project,
        null,
        "firewall " + name + " deleted",
        () ->
            clients
                .firewalls()
                .deleteCallable()
                .call(
                    DeleteFirewallRequest.newBuilder()
                        .setProject(project)
                        .setFirewall(name)
                        .build()));
  }
}
