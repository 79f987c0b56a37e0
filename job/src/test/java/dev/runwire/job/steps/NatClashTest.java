package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RouterNatSubnetworkToNat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NatClashTest {

  static final String NET =
      "https://www.googleapis.com/compute/v1/projects/p/global/networks/runwire-net";

  @Test
  void anAllSubnetworksNatOnTheSameNetworkClashes() {
    Router legacy = router("legacy", NET, nat("all", "ALL_SUBNETWORKS_ALL_IP_RANGES"));

    Optional<String> clash =
        NatClash.find(List.of(legacy), "runwire-net", "europe-west1", "r/ours", "run-egress");

    assertTrue(clash.isPresent());
    assertTrue(clash.get().contains("NAT 'all' on router 'legacy'"), clash.get());
    assertTrue(clash.get().contains("ALL_SUBNETWORKS_ALL_IP_RANGES"), clash.get());
  }

  /**
   * Compute refuses a second NAT beside ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES too (osv.dev#5629).
   */
  @Test
  void anAllPrimaryRangesNatOnTheSameNetworkClashesToo() {
    Router legacy = router("legacy", NET, nat("primary", "ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES"));

    Optional<String> clash =
        NatClash.find(List.of(legacy), "runwire-net", "europe-west1", "r/ours", "run-egress");

    assertTrue(clash.isPresent());
    assertTrue(clash.get().contains("NAT 'primary' on router 'legacy'"), clash.get());
    assertTrue(clash.get().contains("ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES"), clash.get());
  }

  @Test
  void aNatListingOurSubnetClashesButOneForAnotherSubnetDoesNot() {
    RouterNat batch =
        nat("batch", "LIST_OF_SUBNETWORKS", "projects/p/regions/europe-west1/subnetworks/batch");
    RouterNat mine =
        nat(
            "thief",
            "LIST_OF_SUBNETWORKS",
            "projects/p/regions/europe-west1/subnetworks/run-egress");

    assertEquals(
        Optional.empty(),
        NatClash.find(
            List.of(router("r", NET, batch)),
            "runwire-net",
            "europe-west1",
            "r/ours",
            "run-egress"));
    assertTrue(
        NatClash.find(
                List.of(router("r", NET, batch, mine)),
                "runwire-net",
                "europe-west1",
                "r/ours",
                "run-egress")
            .isPresent());
  }

  @Test
  void ourOwnNatAndOtherNetworksNeverClash() {
    Router ours =
        router(
            "r",
            NET,
            nat(
                "ours",
                "LIST_OF_SUBNETWORKS",
                "projects/p/regions/europe-west1/subnetworks/run-egress"));
    Router elsewhere =
        router(
            "x",
            NET.replace("runwire-net", "other-net"),
            nat("all", "ALL_SUBNETWORKS_ALL_IP_RANGES"));

    assertEquals(
        Optional.empty(),
        NatClash.find(
            List.of(ours, elsewhere), "runwire-net", "europe-west1", "r/ours", "run-egress"));
  }

  private static Router router(String name, String network, RouterNat... nats) {
    return Router.newBuilder().setName(name).setNetwork(network).addAllNats(List.of(nats)).build();
  }

  private static RouterNat nat(String name, String ranges, String... subnets) {
    RouterNat.Builder nat =
        RouterNat.newBuilder().setName(name).setSourceSubnetworkIpRangesToNat(ranges);
    for (String subnet : subnets) {
      nat.addSubnetworks(RouterNatSubnetworkToNat.newBuilder().setName(subnet));
    }
    return nat.build();
  }
}
