package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkPeering;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Regions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Networks} seam backed by the Compute surface's real state, so Redis, Cloud Run and VPC
 * Access see the networks and subnets a client created, and every API's ranges count against each
 * other: subnets (primary and secondary), internal addresses, the auto-mode block of auto-mode
 * networks, and the ranges other APIs reserve. Called with the state lock held.
 */
final class ComputeNetworks implements Networks {

  private final ComputeState state;

  ComputeNetworks(ComputeState state) {
    this.state = state;
  }

  @Override
  public boolean networkExists(String project, String network) {
    state.ensureProject(project);
    return state.networks.get(networkRef(project, network).relative()).isPresent();
  }

  @Override
  public Optional<Subnet> subnet(String project, String region, String name) {
    state.ensureProject(project);
    return state
        .subnetworks
        .get(ResourceRef.regional(project, region, "subnetworks", name).relative())
        .map(
            s ->
                new Subnet(
                    project,
                    region,
                    name,
                    ResourceRef.shortName(s.getNetwork()),
                    s.getIpCidrRange()));
  }

  @Override
  public List<AddressRange> rangesInUse(String project, String network) {
    state.ensureProject(project);
    ResourceRef ref = networkRef(project, network);
    String link = ref.link();
    List<AddressRange> out = new ArrayList<>();
    for (Subnetwork s : state.subnetsOf(link)) {
      String owner = ResourceRef.relativeOf(s.getSelfLink());
      out.add(new AddressRange(s.getIpCidrRange(), owner, "subnetwork"));
      for (SubnetworkSecondaryRange r : s.getSecondaryIpRangesList()) {
        out.add(new AddressRange(r.getIpCidrRange(), owner, "secondary range " + r.getRangeName()));
      }
    }
    Optional<Network> net = state.networks.get(ref.relative());
    if (net.isPresent() && net.get().getAutoCreateSubnetworks()) {
      out.add(new AddressRange(Regions.AUTO_MODE_BLOCK, ref.relative(), "auto-mode subnets"));
    }
    for (Address a : state.addresses.allHeld()) {
      if (a.getAddressType().equals("INTERNAL") && subnetIn(a.getSubnetwork(), link)) {
        out.add(
            new AddressRange(
                a.getAddress() + "/32",
                ResourceRef.relativeOf(a.getSelfLink()),
                "internal address"));
      }
    }
    out.addAll(state.reservations.in(project, network));
    return out;
  }

  private boolean subnetIn(String subnetLink, String networkLink) {
    return state.subnetworks.allHeld().stream()
        .anyMatch(s -> s.getSelfLink().equals(subnetLink) && s.getNetwork().equals(networkLink));
  }

  @Override
  public void reserve(String project, String network, String cidr, String owner, String purpose) {
    state.reservations.reserve(project, network, cidr, owner, purpose);
  }

  @Override
  public void release(String owner) {
    state.reservations.release(owner);
  }

  @Override
  public java.util.Map<String, String> privateServiceRanges(String project, String network) {
    state.ensureProject(project);
    String link = networkRef(project, network).link();
    java.util.Map<String, String> out = new LinkedHashMap<>();
    for (String name : state.serviceConnections.getOrDefault(link, List.of())) {
      state
          .globalAddresses
          .get(ResourceRef.global(project, "addresses", name).relative())
          .ifPresent(a -> out.put(name, a.getAddress() + "/" + a.getPrefixLength()));
    }
    return out;
  }

  @Override
  public void holdSubnet(String subnet, String user, Instant releaseAt) {
    state.subnetHolds.computeIfAbsent(subnet, k -> new LinkedHashMap<>()).put(user, releaseAt);
  }

  @Override
  public List<Firewall> firewalls(String project, String network) {
    state.ensureProject(project);
    String link = networkRef(project, network).link();
    return state.firewalls.list("projects/" + project + "/").stream()
        .filter(f -> f.getNetwork().equals(link))
        .toList();
  }

  @Override
  public List<String> peeringNames(String project, String network) {
    state.ensureProject(project);
    return state
        .networks
        .get(networkRef(project, network).relative())
        .map(n -> n.getPeeringsList().stream().map(NetworkPeering::getName).toList())
        .orElse(List.of());
  }

  /** Called by LocalCloud after the surfaces reset; the Compute surface already cleared all. */
  @Override
  public void reset() {
    state.reservations.clear();
  }

  private static ResourceRef networkRef(String project, String network) {
    return ResourceRef.parse(network, "networks", project, null)
        .orElse(ResourceRef.global(project, "networks", network));
  }
}
