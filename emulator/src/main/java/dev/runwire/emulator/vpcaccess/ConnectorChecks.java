package dev.runwire.emulator.vpcaccess;

import com.google.cloud.vpcaccess.v1.Connector;
import dev.runwire.emulator.compute.PrivateRanges;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RangeReservations;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Serverless VPC Access accepts in a new connector: an id, exactly one of {@code ipCidrRange}
 * (+ {@code network}) or {@code subnet}, a /28 that nothing else uses, instances (not throughput)
 * within bounds, and a known machine type. Answers where the connector sits in the network.
 */
final class ConnectorChecks {

  /** Where a checked connector sits: its network and the range it holds there. */
  record Placement(String project, String network, String cidr, String purpose) {}

  /** What a connector id must match. */
  static final Pattern ID = Pattern.compile("^[a-z][-a-z0-9]{0,23}[a-z0-9]$");

  private static final Pattern NETWORK =
      Pattern.compile(
          "^(?:(?:https://www\\.googleapis\\.com/compute/v1/)?projects/([^/]+)/global/networks/)?"
              + "([a-z]([-a-z0-9]*[a-z0-9])?)$");
  private static final Set<String> MACHINE_TYPES = Set.of("f1-micro", "e2-micro", "e2-standard-4");

  private final Networks networks;

  ConnectorChecks(Networks networks) {
    this.networks = networks;
  }

  /** Checks sizing and machine type, filling the default machine type. */
  static void checkSizing(Connector.Builder c) {
    if (c.getMachineType().isEmpty()) {
      c.setMachineType("e2-micro");
    } else if (!MACHINE_TYPES.contains(c.getMachineType())) {
      throw ApiException.invalidArgument(
          "connector.machineType",
          "'" + c.getMachineType() + "' is not offered; use f1-micro, e2-micro or e2-standard-4");
    }
    boolean instances = c.getMinInstances() != 0 || c.getMaxInstances() != 0;
    boolean throughput = c.getMinThroughput() != 0 || c.getMaxThroughput() != 0;
    if (instances && throughput) {
      throw ApiException.invalidArgument(
          "connector.minThroughput",
          "set minInstances/maxInstances or minThroughput/maxThroughput, not both; prefer"
              + " instances");
    }
    if (!instances) {
      throw ApiException.invalidArgument(
          "connector.minInstances",
          "required: set minInstances (2-9) and maxInstances (3-10)"
              + (throughput ? " instead of throughput" : ""));
    }
    if (c.getMinInstances() < 2 || c.getMinInstances() > 9) {
      throw ApiException.invalidArgument(
          "connector.minInstances", c.getMinInstances() + " is out of range: use 2 to 9");
    }
    if (c.getMaxInstances() < 3 || c.getMaxInstances() > 10) {
      throw ApiException.invalidArgument(
          "connector.maxInstances", c.getMaxInstances() + " is out of range: use 3 to 10");
    }
    if (c.getMinInstances() >= c.getMaxInstances()) {
      throw ApiException.invalidArgument(
          "connector.maxInstances",
          "must be greater than minInstances ("
              + c.getMinInstances()
              + " >= "
              + c.getMaxInstances()
              + ")");
    }
  }

  /** Checks the connector's range or subnet, normalizing {@code network}; nothing reserved yet. */
  Placement place(String project, String region, Connector.Builder c) {
    boolean range = !c.getIpCidrRange().isEmpty();
    boolean subnet = c.hasSubnet() && !c.getSubnet().getName().isEmpty();
    if (range == subnet) {
      throw ApiException.invalidArgument(
          range ? "connector.subnet" : "connector.ipCidrRange",
          range
              ? "set either ipCidrRange (with network) or subnet, not both"
              : "required: set ipCidrRange (an unused /28, with network) or subnet (a /28 subnet"
                  + " with nothing else on it)");
    }
    return range ? inRange(project, c) : onSubnet(project, region, c);
  }

  private Placement inRange(String project, Connector.Builder c) {
    if (c.getNetwork().isEmpty()) {
      throw ApiException.invalidArgument(
          "connector.network", "required with ipCidrRange: name the VPC network, e.g. default");
    }
    Matcher m = NETWORK.matcher(c.getNetwork());
    if (!m.matches() || (m.group(1) != null && !m.group(1).equals(project))) {
      throw ApiException.invalidArgument(
          "connector.network",
          "'" + c.getNetwork() + "' is not a network of project " + project + "; use its name");
    }
    String network = m.group(2);
    if (!networks.networkExists(project, network)) {
      throw ApiException.invalidArgument(
          "connector.network",
          "network '" + network + "' does not exist in project " + project + "; create it first");
    }
    String cidr = c.getIpCidrRange();
    IPAddress block =
        RangeReservations.parseBlock(cidr)
            .orElseThrow(
                () ->
                    ApiException.invalidArgument(
                        "connector.ipCidrRange",
                        "'" + cidr + "' is not an IPv4 CIDR range such as 10.8.0.0/28"));
    if (block.getNetworkPrefixLength() != 28) {
      throw ApiException.invalidArgument(
          "connector.ipCidrRange", "'" + cidr + "' must be a /28 (16 addresses)");
    }
    if (!block.isPrefixBlock()) {
      throw ApiException.invalidArgument(
          "connector.ipCidrRange",
          "'" + cidr + "' does not start a /28; use " + block.toPrefixBlock().toCanonicalString());
    }
    if (!PrivateRanges.contains(cidr)) {
      throw ApiException.invalidArgument(
          "connector.ipCidrRange",
          "'" + cidr + "' is not private; use a range in " + PrivateRanges.describe());
    }
    RangeReservations.requireUnused(
        networks.rangesInUse(project, network),
        cidr,
        "connector.ipCidrRange",
        network,
        "choose an unused /28");
    c.setNetwork(network).setIpCidrRange(block.toCanonicalString());
    return new Placement(project, network, block.toCanonicalString(), "connector range");
  }

  private Placement onSubnet(String project, String region, Connector.Builder c) {
    String subnetProject =
        c.getSubnet().getProjectId().isEmpty() ? project : c.getSubnet().getProjectId();
    String name = c.getSubnet().getName();
    Networks.Subnet subnet =
        networks
            .subnet(subnetProject, region, name)
            .orElseThrow(
                () ->
                    ApiException.invalidArgument(
                        "connector.subnet.name",
                        "subnetwork '"
                            + name
                            + "' does not exist in project "
                            + subnetProject
                            + " region "
                            + region
                            + "; create a /28 subnet there first"));
    IPAddress block = RangeReservations.parseBlock(subnet.ipCidrRange()).orElseThrow();
    if (block.getNetworkPrefixLength() != 28) {
      throw ApiException.invalidArgument(
          "connector.subnet.name",
          "subnetwork '" + name + "' is " + subnet.ipCidrRange() + "; a connector needs a /28");
    }
    if (!c.getNetwork().isEmpty()) {
      Matcher m = NETWORK.matcher(c.getNetwork());
      if (!m.matches() || !m.group(2).equals(subnet.network())) {
        throw ApiException.invalidArgument(
            "connector.network",
            "'" + c.getNetwork() + "' is not the subnet's network " + subnet.network());
      }
    }
    Optional<Networks.AddressRange> user =
        networks.rangesInUse(subnetProject, subnet.network()).stream()
            .filter(r -> !r.owner().equals(subnet.selfLinkName()))
            .filter(r -> !r.purpose().equals("auto-mode subnets"))
            .filter(
                r -> RangeReservations.firstOverlap(List.of(r), subnet.ipCidrRange()).isPresent())
            .findFirst();
    if (user.isPresent()) {
      throw ApiException.invalidArgument(
          "connector.subnet.name",
          "subnetwork '"
              + name
              + "' already has "
              + user.get().purpose()
              + " "
              + user.get().owner()
              + " on it; a connector needs a subnet with nothing else on it");
    }
    c.setSubnet(c.getSubnet().toBuilder().setProjectId(subnetProject));
    return new Placement(
        subnetProject, subnet.network(), subnet.ipCidrRange(), "connector on subnetwork " + name);
  }
}
