package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterList;
import com.google.cloud.compute.v1.RouterNat;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import java.time.Duration;
import java.util.List;

/**
 * Cloud Routers with their Cloud NATs in {@code nats[]}. Patch is a JSON merge patch without a
 * fingerprint: sending {@code nats} replaces the whole list. The NAT rules are in {@link NatRules}.
 */
final class RouterResources extends ComputeCollection<Router> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.router", Duration.ofSeconds(8));

  RouterResources(CloudCore core, ComputeState state, OperationResources operations) {
    super(
        core,
        state,
        operations,
        state.routers,
        "routers",
        "compute#router",
        true,
        LATENCY,
        Router.getDefaultInstance(),
        RouterList.getDefaultInstance());
  }

  @Override
  boolean patchable() {
    return true;
  }

  @Override
  Prepared<Router> prepareInsert(Scope scope, ResourceRef ref, Router in) {
    Network network = referencedNetwork(ref.project(), in.getNetwork());
    return Prepared.ok(checked(ref, in.toBuilder().setNetwork(network.getSelfLink())));
  }

  @Override
  Prepared<Router> prepareChange(ResourceRef ref, Router current, Router changed, JsonObject sent) {
    requireSameNetwork(ref, current, changed, "The network of a router cannot change.");
    return Prepared.ok(checked(ref, changed.toBuilder().setNetwork(current.getNetwork())));
  }

  private Router checked(ResourceRef ref, Router.Builder router) {
    if (router.hasBgp() && router.getBgp().getAsn() != 0 && !privateAsn(router.getBgp().getAsn())) {
      throw ComputeErrors.invalid(
          "resource.bgp.asn",
          Integer.toUnsignedString(router.getBgp().getAsn()),
          "Use a private ASN: 64512-65534 or 4200000000-4294967294.");
    }
    NatRules rules = new NatRules(state, ref, router.getNetwork());
    List<RouterNat> nats = rules.check(router.getNatsList());
    return router.clearNats().addAllNats(nats).build();
  }

  private static boolean privateAsn(int asn) {
    long a = Integer.toUnsignedLong(asn);
    return (a >= 64512 && a <= 65534) || (a >= 4_200_000_000L && a <= 4_294_967_294L) || a == 16550;
  }
}
