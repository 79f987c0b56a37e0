package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkList;
import com.google.cloud.compute.v1.NetworkRoutingConfig;
import com.google.cloud.compute.v1.Subnetwork;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * VPC networks, auto mode (a subnet per region, named like the network, from 10.128.0.0/9) or
 * custom mode. Legacy networks are not served. A network in use by subnets, routers, firewall rules
 * or another API's ranges cannot be deleted; an auto-mode network takes its own subnets with it.
 */
final class NetworkResources extends ComputeCollection<Network> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.network", Duration.ofSeconds(20));

  NetworkResources(CloudCore core, ComputeState state, OperationResources operations) {
    super(
        core,
        state,
        operations,
        state.networks,
        "networks",
        "compute#network",
        false,
        LATENCY,
        Network.getDefaultInstance(),
        NetworkList.getDefaultInstance());
  }

  @Override
  Prepared<Network> prepareInsert(Scope scope, ResourceRef ref, Network in) {
    if (!in.hasAutoCreateSubnetworks()) {
      throw ComputeErrors.required(
          "resource.autoCreateSubnetworks",
          "set it to true for an auto mode network or false for a custom mode one (legacy"
              + " networks are not served)");
    }
    if (in.hasIPv4Range()) {
      throw ComputeErrors.invalid(
          "resource.IPv4Range",
          in.getIPv4Range(),
          "Legacy networks are not served; create a VPC network with autoCreateSubnetworks.");
    }
    Network.Builder out =
        in.toBuilder()
            .setSelfLinkWithId(
                ResourceRef.LINK_BASE
                    + "projects/"
                    + ref.project()
                    + "/global/networks/"
                    + in.getId())
            .clearSubnetworks()
            .clearPeerings()
            .clearGatewayIPv4();
    if (!in.hasMtu()) {
      out.setMtu(1460);
    } else if (in.getMtu() < 1300 || in.getMtu() > 8896) {
      throw ComputeErrors.invalid(
          "resource.mtu", Integer.toString(in.getMtu()), "Must be between 1300 and 8896.");
    }
    NetworkRoutingConfig.Builder routing = out.getRoutingConfigBuilder();
    if (!routing.hasRoutingMode()) {
      routing.setRoutingMode("REGIONAL");
    }
    if (!out.hasNetworkFirewallPolicyEnforcementOrder()) {
      out.setNetworkFirewallPolicyEnforcementOrder("AFTER_CLASSIC_FIREWALL");
    }
    return Prepared.ok(out.build());
  }

  @Override
  void afterInsert(ResourceRef ref, Network network) {
    if (network.getAutoCreateSubnetworks()) {
      state.addAutoSubnets(network);
    }
  }

  @Override
  ApiException deleteBlocker(ResourceRef ref, Network network) {
    String link = network.getSelfLink();
    for (Subnetwork s : state.subnetsOf(link)) {
      boolean own = network.getAutoCreateSubnetworks() && s.getName().equals(network.getName());
      if (!own || subnetInUse(s).isPresent()) {
        return ComputeErrors.inUse(
            "network", ref.relative(), ResourceRef.relativeOf(s.getSelfLink()));
      }
    }
    Optional<String> user =
        state.routers.allHeld().stream()
            .filter(r -> r.getNetwork().equals(link))
            .map(r -> ResourceRef.relativeOf(r.getSelfLink()))
            .findFirst()
            .or(
                () ->
                    state.firewalls.allHeld().stream()
                        .filter(f -> f.getNetwork().equals(link))
                        .map(f -> ResourceRef.relativeOf(f.getSelfLink()))
                        .findFirst())
            .or(
                () ->
                    state.reservations.in(ref.project(), ref.name()).stream()
                        .map(Networks.AddressRange::owner)
                        .findFirst());
    return user.map(u -> ComputeErrors.inUse("network", ref.relative(), u)).orElse(null);
  }

  /** Who uses an auto subnet, which would keep its network alive. */
  private Optional<String> subnetInUse(Subnetwork s) {
    return state.addresses.allHeld().stream()
        .filter(a -> a.getSubnetwork().equals(s.getSelfLink()))
        .map(a -> ResourceRef.relativeOf(a.getSelfLink()))
        .findFirst();
  }

  @Override
  void afterDelete(ResourceRef ref, Network network) {
    for (Subnetwork s : state.subnetsOf(network.getSelfLink())) {
      state.subnetworks.remove(ResourceRef.relativeOf(s.getSelfLink()));
    }
  }

  @Override
  Network present(Network network) {
    String project =
        ResourceRef.parse(network.getSelfLink(), "networks", null, null).orElseThrow().project();
    List<String> subnets =
        state.subnetworks.list("projects/" + project + "/regions/").stream()
            .filter(s -> s.getNetwork().equals(network.getSelfLink()))
            .map(Subnetwork::getSelfLink)
            .toList();
    return network.toBuilder().clearSubnetworks().addAllSubnetworks(subnets).build();
  }
}
