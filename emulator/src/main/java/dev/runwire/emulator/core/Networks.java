package dev.runwire.emulator.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The VPC networks of every project, as far as other surfaces need them: Redis checks its
 * authorized network and reserved range, Run checks a Direct VPC egress subnet, VPC Access a
 * connector range. The Compute surface answers with the networks it serves (unit tests use a {@code
 * DefaultNetworks} that knows only each project's {@code default} auto-mode network).
 *
 * <p>Called with the state lock held.
 */
public interface Networks {

  /** Does network {@code network} (a short name) exist in {@code project}? */
  boolean networkExists(String project, String network);

  /** The subnetwork {@code name} of {@code project} in {@code region}, if it exists. */
  Optional<Subnet> subnet(String project, String region, String name);

  /** Every CIDR range in use in the network: subnets, connector ranges, Redis reserved ranges. */
  List<AddressRange> rangesInUse(String project, String network);

  /** Records {@code cidr} as used in the network by {@code owner} (a full resource name). */
  void reserve(String project, String network, String cidr, String owner, String purpose);

  /** Frees every range {@code owner} reserved. */
  void release(String owner);

  /**
   * Cloud Run Direct VPC egress: {@code user} (a service or job name) has addresses in {@code
   * subnet} ({@link Subnet#selfLinkName()}) until {@code releaseAt}; {@link Instant#MAX} while it
   * still uses the subnet. Cloud Run keeps the addresses for 1-2 hours after a service stops using
   * a subnet, and the subnet cannot be deleted until then (Direct VPC egress docs).
   */
  default void holdSubnet(String subnet, String user, Instant releaseAt) {}

  /**
   * The allocated ranges (name -> CIDR) connected for private services access in the network
   * ({@code gcloud services vpc-peerings connect}); empty when there is no connection.
   */
  default java.util.Map<String, String> privateServiceRanges(String project, String network) {
    return java.util.Map.of();
  }

  /** Back to a new project's state. */
  void reset();

  /**
   * The network's VPC firewall rules (done ones, any order), for the per-connection reachability
   * check. None by default.
   */
  default List<com.google.cloud.compute.v1.Firewall> firewalls(String project, String network) {
    return List.of();
  }

  /** The names of the network's {@code peerings[]} (e.g. servicenetworking-googleapis-com). */
  default List<String> peeringNames(String project, String network) {
    return List.of();
  }

  /** A subnetwork: its IPv4 primary range and the network it belongs to (short names). */
  record Subnet(String project, String region, String name, String network, String ipCidrRange) {

    public String selfLinkName() {
      return "projects/" + project + "/regions/" + region + "/subnetworks/" + name;
    }
  }

  /** A range in use in a network, who uses it and for what. */
  record AddressRange(String cidr, String owner, String purpose) {

    /** {@code 10.0.0.0/29 (Redis reserved range of projects/p/locations/r/instances/i)}. */
    public String describe() {
      return cidr + " (" + purpose + " of " + owner + ")";
    }
  }
}
