package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a NAT for our subnet can be added to a network in a region: not when another NAT there
 * already covers every subnet ({@code ALL_SUBNETWORKS_ALL_IP_RANGES} or {@code
 * ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES}, which Compute refuses to share with any other NAT: "Can
 * not create new Nats since a Nat with option ALL_SUBNETWORKS_ALL_IP_RANGES exists", google/osv.dev
 * #5629 for the primary-ranges form) or lists our subnet (a subnet is NAT-ed by one NAT only).
 */
final class NatClash {

  /** The options with which one NAT covers every subnet of its network and region. */
  static final Set<String> ALL_SUBNETWORKS =
      Set.of("ALL_SUBNETWORKS_ALL_IP_RANGES", "ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES");

  private NatClash() {}

  /**
   * @param ours {@code router/nat} of our own NAT, which may already be there
   * @return what clashes and how to fix it, or empty
   */
  static Optional<String> find(
      List<Router> routers, String network, String region, String ours, String subnet) {
    for (Router router : routers) {
      if (!Names.last(router.getNetwork()).equals(network)) {
        continue;
      }
      for (RouterNat other : router.getNatsList()) {
        if ((router.getName() + "/" + other.getName()).equals(ours)) {
          continue;
        }
        boolean coversAll = ALL_SUBNETWORKS.contains(other.getSourceSubnetworkIpRangesToNat());
        boolean coversOurs =
            other.getSubnetworksList().stream()
                .anyMatch(s -> Names.last(s.getName()).equals(subnet));
        if (coversAll || coversOurs) {
          String what =
              coversAll
                  ? "covers every subnet of network '%s' in %s (%s)"
                      .formatted(network, region, other.getSourceSubnetworkIpRangesToNat())
                  : "already NATs subnet '%s'".formatted(subnet);
          return Optional.of(
              ("NAT '%s' on router '%s' %s, so a NAT for the static egress IP cannot be added."
                      + " Change that NAT to LIST_OF_SUBNETWORKS without '%s', or turn"
                      + " staticEgressIp off and give that NAT a static address yourself.")
                  .formatted(other.getName(), router.getName(), what, subnet));
        }
      }
    }
    return Optional.empty();
  }
}
