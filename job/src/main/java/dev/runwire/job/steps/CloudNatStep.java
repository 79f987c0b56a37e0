package dev.runwire.job.steps;

import com.google.cloud.compute.v1.PatchRouterRequest;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RouterNatSubnetworkToNat;
import com.google.cloud.compute.v1.UpdateRouterRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Cloud NAT that gives the egress subnet its fixed public IP. A NAT lives in the router's
 * {@code nats[]}: every change reads the router and PATCHes the whole list with the other NATs kept
 * as they are. Only our subnet is NAT-ed ({@code LIST_OF_SUBNETWORKS}) from our address ({@code
 * MANUAL_ONLY}); a NAT that already covers every subnet of the network in the region
 * (ALL_SUBNETWORKS_ALL_IP_RANGES) makes a second one impossible, and that is said plainly.
 */
final class CloudNatStep extends ComputeStep<Router, CloudNatStep.Spec>
    implements Creator<CloudNatStep.Spec>, Updater<Router, CloudNatStep.Spec>, Deleter<Router> {

  record Spec(
      String natIpAllocateOption,
      List<String> natIps,
      String sourceRanges,
      List<String> subnetworks) {}

  /** Writes of the router's {@code nats} before the step gives up on a busy router. */
  private static final int MAX_WRITES = 6;

  private static final Random JITTER = new Random();

  private final String router;
  private final String address;
  private final String subnet;

  CloudNatStep(
      ProvisioningRequest request, CloudClients clients, Inventory inventory, ServiceMarks marks) {
    super(request, request.names().nat(), clients, inventory, marks);
    this.router = request.names().router();
    this.address = request.names().address();
    this.subnet = request.egress().egressSubnet().name();
  }

  @Override
  public StepKind kind() {
    return StepKind.CLOUD_NAT;
  }

  @Override
  protected String relativeName() {
    return at.router(router) + "/nats/" + name;
  }

  /** The router, when it carries our NAT. */
  @Override
  protected Optional<Router> read(StepContext ctx) {
    return inventory.router(at.project(), at.region(), router).filter(r -> ours(r).isPresent());
  }

  private Optional<RouterNat> ours(Router r) {
    return r.getNatsList().stream().filter(n -> n.getName().equals(name)).findFirst();
  }

  /**
   * A NAT has no labels or description, and a router may carry other NATs: the service records the
   * NAT runwire created as {@code router/nat}.
   */
  @Override
  protected Ownership ownership(Router r, StepContext ctx) {
    return markedOrRecorded(false);
  }

  @Override
  protected String recordedName() {
    return router + "/" + name;
  }

  @Override
  protected Spec actual(Router r) {
    RouterNat n = ours(r).orElseThrow();
    return new Spec(
        n.getNatIpAllocateOption(),
        n.getNatIpsList().stream().map(Names::last).toList(),
        n.getSourceSubnetworkIpRangesToNat(),
        n.getSubnetworksList().stream().map(s -> Names.last(s.getName())).toList());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec("MANUAL_ONLY", List.of(address), "LIST_OF_SUBNETWORKS", List.of(subnet));
  }

  /** What is sent: the desired spec as our entry of the router's {@code nats[]}. */
  private RouterNat body(Spec spec) {
    RouterNat.Builder body =
        RouterNat.newBuilder()
            .setName(name)
            .setNatIpAllocateOption(spec.natIpAllocateOption())
            .setSourceSubnetworkIpRangesToNat(spec.sourceRanges());
    spec.natIps().forEach(ip -> body.addNatIps(at.address(ip)));
    spec.subnetworks()
        .forEach(
            s ->
                body.addSubnetworks(
                    RouterNatSubnetworkToNat.newBuilder()
                        .setName(at.subnetwork(s))
                        .addSourceIpRangesToNat("ALL_IP_RANGES")));
    return body.build();
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    put(desired, "create", ctx);
  }

  @Override
  public void update(Router actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    put(desired, "update", ctx);
  }

  /** Create and update are one write: our NAT, as desired, beside the others. */
  private void put(Spec desired, String verb, StepContext ctx) {
    checkNoClash(ctx);
    RouterNat ours = body(desired);
    patchNats(
        ctx,
        verb,
        others -> {
          others.add(ours);
          return others;
        });
  }

  @Override
  public void delete(Router actual, StepContext ctx) {
    patchNats(ctx, "delete", others -> others);
  }

  private interface NatEdit {
    List<RouterNat> apply(List<RouterNat> otherNats);
  }

  /**
   * Reads the router, swaps our NAT for the edited list, writes the whole list back, and confirms.
   * Routers have no fingerprint and a PATCH of {@code nats} replaces the whole list (GCP-FACTS):
   * another execution that read the router before this write landed can overwrite it, or this write
   * can overwrite that one's NAT. So after the write the router is read again, at once and once
   * more after as long as the write took (a writer that read before us lands within about that),
   * and the write is repeated from a fresh read while our NAT is not as written or a NAT we kept is
   * gone. Terraform serialises writers with a mutex instead; executions share no memory.
   */
  private void patchNats(StepContext ctx, String verb, NatEdit edit) {
    for (int write = 1; ; write++) {
      Instant started = Instant.now();
      Router current = ctx.call(() -> clients.routers().get(at.project(), at.region(), router));
      List<RouterNat> others = new ArrayList<>();
      current.getNatsList().stream().filter(n -> !n.getName().equals(name)).forEach(others::add);
      List<RouterNat> nats = edit.apply(others);
      writeNats(ctx, verb + (write == 1 ? "" : "#" + write), current, nats);
      Set<String> expected = names(nats);
      if (holds(ctx, expected)) {
        ctx.waits().pause(Duration.between(started, Instant.now()), ctx.deadline());
        if (holds(ctx, expected)) {
          return;
        }
      }
      if (write == MAX_WRITES) {
        throw new StepFailure(
            Reasons.CANNOT_UPDATE,
            "router "
                + router
                + " was rewritten by another writer "
                + MAX_WRITES
                + " times while NAT "
                + name
                + " was being written (routers have no fingerprint); expected NATs "
                + expected
                + ". Run again when the other writer is done.");
      }
      // Two writers that lost to each other repeat at different moments.
      ctx.waits()
          .pause(ctx.waits().initialDelay().multipliedBy(1 + JITTER.nextInt(4)), ctx.deadline());
    }
  }

  /** Our NAT is there exactly when we wrote it, and every NAT we kept is still there. */
  private boolean holds(StepContext ctx, Set<String> expected) {
    Router now = ctx.call(() -> clients.routers().get(at.project(), at.region(), router));
    Set<String> present = names(now.getNatsList());
    return present.containsAll(expected) && (expected.contains(name) == present.contains(name));
  }

  private static Set<String> names(List<RouterNat> nats) {
    Set<String> names = new TreeSet<>();
    nats.forEach(n -> names.add(n.getName()));
    return names;
  }

  private void writeNats(StepContext ctx, String verb, Router current, List<RouterNat> nats) {
    // A new requestId per write: Compute answers a repeated id with the first write's operation.
    String requestId = ComputeMutations.requestId(ctx.executionId(), router + "/" + name, verb);
    // An empty list cannot go in a PATCH (the client leaves empty fields out): PUT the router
    // without NATs instead.
    UpdateRouterRequest put =
        UpdateRouterRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setRouter(router)
            .setRouterResource(current.toBuilder().clearNats())
            .setRequestId(requestId)
            .build();
    PatchRouterRequest patch =
        PatchRouterRequest.newBuilder()
            .setProject(at.project())
            .setRegion(at.region())
            .setRouter(router)
            .setRouterResource(Router.newBuilder().addAllNats(nats))
            .setRequestId(requestId)
            .build();
    compute.regional(
        ctx,
        "NAT " + name + " " + verb,
        () ->
            nats.isEmpty()
                ? clients.routers().updateCallable().call(put)
                : clients.routers().patchCallable().call(patch));
  }

  /** One list call over the region's routers: no other NAT may already cover our subnet. */
  private void checkNoClash(StepContext ctx) {
    List<Router> routers =
        ctx.call(
            () -> {
              List<Router> all = new ArrayList<>();
              clients.routers().list(at.project(), at.region()).iterateAll().forEach(all::add);
              return all;
            });
    NatClash.find(routers, at.network(), at.region(), router + "/" + name, subnet)
        .ifPresent(
            clash -> {
              throw new StepFailure(Reasons.NAT_CLASH, clash);
            });
  }
}
