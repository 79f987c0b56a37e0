package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallLogConfig;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkRoutingConfig;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.gson.JsonArray;
import dev.runwire.emulator.core.RangeReservations;
import dev.runwire.emulator.core.Regions;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every project's Compute resources. A project is created on first use the way Google creates a new
 * one: the {@code default} auto-mode network with a {@code default} subnet in every region and the
 * four default firewall rules. Called with the state lock held.
 */
final class ComputeState {

  final Table<Network> networks = new Table<>();
  final Table<Subnetwork> subnetworks = new Table<>();
  final Table<Router> routers = new Table<>();
  final Table<Address> addresses = new Table<>();
  final Table<Address> globalAddresses = new Table<>();

  /** Private services access: network self link -> the allocated range names it connected. */
  final Map<String, List<String>> serviceConnections = new HashMap<>();

  final Table<Firewall> firewalls = new Table<>();

  /** Ranges other APIs use in networks: Redis reserved ranges, connector ranges. */
  final RangeReservations reservations = new RangeReservations();

  /** Subnet (relative name) -> Cloud Run user -> when its Direct VPC addresses are released. */
  final Map<String, Map<String, Instant>> subnetHolds = new HashMap<>();

  final ComputeIds ids;
  private final Set<String> projects = new HashSet<>();

  ComputeState(ComputeIds ids) {
    this.ids = ids;
  }

  /** The project ids this state knows (a project number is resolved against them). */
  Set<String> projectIds() {
    return projects;
  }

  /** Creates the project's default network and firewall rules the first time it is named. */
  void ensureProject(String project) {
    if (!projects.add(project)) {
      return;
    }
    ResourceRef ref = ResourceRef.global(project, "networks", "default");
    long id = ids.next();
    Network network =
        Network.newBuilder()
            .setKind("compute#network")
            .setId(id)
            .setName("default")
            .setDescription("Default network for the project")
            .setSelfLink(ref.link())
            .setSelfLinkWithId(
                ResourceRef.LINK_BASE + "projects/" + project + "/global/networks/" + id)
            .setCreationTimestamp(ComputeTime.now())
            .setAutoCreateSubnetworks(true)
            .setMtu(1460)
            .setRoutingConfig(NetworkRoutingConfig.newBuilder().setRoutingMode("REGIONAL"))
            .setNetworkFirewallPolicyEnforcementOrder("AFTER_CLASSIC_FIREWALL")
            .build();
    networks.put(ref.relative(), network);
    addAutoSubnets(network);
    String internal = Regions.AUTO_MODE_BLOCK;
    addDefaultFirewall(
        project,
        "default-allow-internal",
        "Allow internal traffic on the default network",
        internal,
        List.of(allow("tcp", "0-65535"), allow("udp", "0-65535"), allow("icmp", null)));
    addDefaultFirewall(
        project,
        "default-allow-ssh",
        "Allow SSH from anywhere",
        "0.0.0.0/0",
        List.of(allow("tcp", "22")));
    addDefaultFirewall(
        project,
        "default-allow-rdp",
        "Allow RDP from anywhere",
        "0.0.0.0/0",
        List.of(allow("tcp", "3389")));
    addDefaultFirewall(
        project,
        "default-allow-icmp",
        "Allow ICMP from anywhere",
        "0.0.0.0/0",
        List.of(allow("icmp", null)));
  }

  /** An auto-mode network's subnets: one per region, named like the network, 10.128.0.0/9. */
  void addAutoSubnets(Network network) {
    ResourceRef net =
        ResourceRef.parse(network.getSelfLink(), "networks", null, null).orElseThrow();
    for (Map.Entry<String, String> e : Regions.autoModeSubnets().entrySet()) {
      ResourceRef ref =
          ResourceRef.regional(net.project(), e.getKey(), "subnetworks", network.getName());
      Subnetwork subnet =
          Subnetwork.newBuilder()
              .setKind("compute#subnetwork")
              .setId(ids.next())
              .setName(network.getName())
              .setSelfLink(ref.link())
              .setCreationTimestamp(network.getCreationTimestamp())
              .setNetwork(network.getSelfLink())
              .setRegion(ResourceRef.regionLink(net.project(), e.getKey()))
              .setIpCidrRange(e.getValue())
              .setGatewayAddress(SubnetworkResources.gatewayOf(e.getValue()))
              .setPrivateIpGoogleAccess(false)
              .setPurpose("PRIVATE")
              .setStackType("IPV4_ONLY")
              .build();
      subnetworks.put(
          ref.relative(), subnet.toBuilder().setFingerprint(Fingerprints.of(subnet)).build());
    }
  }

  private void addDefaultFirewall(
      String project, String name, String description, String source, List<Allowed> allowed) {
    ResourceRef ref = ResourceRef.global(project, "firewalls", name);
    firewalls.put(
        ref.relative(),
        Firewall.newBuilder()
            .setKind("compute#firewall")
            .setId(ids.next())
            .setName(name)
            .setDescription(description)
            .setSelfLink(ref.link())
            .setCreationTimestamp(ComputeTime.now())
            .setNetwork(ResourceRef.global(project, "networks", "default").link())
            .setPriority(65534)
            .setDirection("INGRESS")
            .addSourceRanges(source)
            .addAllAllowed(allowed)
            .setDisabled(false)
            .setLogConfig(FirewallLogConfig.newBuilder().setEnable(false))
            .build());
  }

  private static Allowed allow(String protocol, String ports) {
    Allowed.Builder a = Allowed.newBuilder().setIPProtocol(protocol);
    if (ports != null) {
      a.addPorts(ports);
    }
    return a.build();
  }

  /** Done and pending subnets of the network {@code networkLink}. */
  List<Subnetwork> subnetsOf(String networkLink) {
    return subnetworks.allHeld().stream().filter(s -> s.getNetwork().equals(networkLink)).toList();
  }

  /** Done and pending routers of the network in a region. */
  List<Router> routersOf(String networkLink, String region) {
    return routers.allHeld().stream()
        .filter(r -> r.getNetwork().equals(networkLink))
        .filter(r -> ResourceRef.shortName(r.getRegion()).equals(region))
        .toList();
  }

  /** The projects a client has named: they exist (with what is left of their defaults). */
  JsonArray saveProjects() {
    JsonArray out = new JsonArray();
    projects.stream().sorted().forEach(out::add);
    return out;
  }

  void loadProjects(JsonArray saved) {
    projects.clear();
    saved.forEach(p -> projects.add(p.getAsString()));
  }

  void clear() {
    networks.clear();
    subnetworks.clear();
    routers.clear();
    addresses.clear();
    firewalls.clear();
    reservations.clear();
    projects.clear();
    subnetHolds.clear();
    globalAddresses.clear();
    serviceConnections.clear();
  }
}
