package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RouterNatSubnetworkToNat;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Cloud NAT accepts in a router's {@code nats[]}: names, the source option, manual addresses
 * that exist, are external and serve no other NAT, listed subnets that exist in the router's
 * network and region and are NATed by no other NAT, and no NAT beside one that takes {@code
 * ALL_SUBNETWORKS_ALL_IP_RANGES} or {@code ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES} in the same
 * network and region. References come back as links.
 */
final class NatRules {

  static final String ALL_RANGES = "ALL_SUBNETWORKS_ALL_IP_RANGES";
  static final String LIST = "LIST_OF_SUBNETWORKS";
  static final String ALL_PRIMARY = "ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES";
  static final List<String> ALL_OPTIONS = List.of(ALL_RANGES, ALL_PRIMARY);

  private record Held(String router, RouterNat nat) {}

  private final ComputeState state;
  private final ResourceRef router;
  private final String networkLink;

  NatRules(ComputeState state, ResourceRef router, String networkLink) {
    this.state = state;
    this.router = router;
    this.networkLink = networkLink;
  }

  /** The router's NATs, checked, with every reference written as a link. */
  List<RouterNat> check(List<RouterNat> nats) {
    List<Held> held = new ArrayList<>();
    Set<String> addressesHeld = new HashSet<>();
    for (Router other : state.routers.allHeld()) {
      String otherRelative = ResourceRef.relativeOf(other.getSelfLink());
      if (otherRelative.equals(router.relative())) {
        continue;
      }
      other.getNatsList().forEach(n -> addressesHeld.addAll(n.getNatIpsList()));
      if (other.getNetwork().equals(networkLink)
          && ResourceRef.shortName(other.getRegion()).equals(router.region())) {
        other.getNatsList().forEach(n -> held.add(new Held(otherRelative, n)));
      }
    }
    Set<String> names = new HashSet<>();
    List<RouterNat> out = new ArrayList<>();
    for (int i = 0; i < nats.size(); i++) {
      String field = "resource.nats[" + i + "]";
      RouterNat nat = nats.get(i);
      ComputeNames.require(field + ".name", nat.getName());
      if (!names.add(nat.getName())) {
        throw ComputeErrors.invalid(
            field + ".name", nat.getName(), "NAT names must be unique within a router.");
      }
      RouterNat.Builder b = nat.toBuilder();
      checkSource(field, nat, held);
      b.clearNatIps().addAllNatIps(natIps(field, nat, addressesHeld));
      b.clearSubnetworks().addAllSubnetworks(subnets(field, nat, held));
      RouterNat checked = b.build();
      held.add(new Held(router.relative(), checked));
      out.add(checked);
    }
    return out;
  }

  private void checkSource(String field, RouterNat nat, List<Held> held) {
    String source = nat.getSourceSubnetworkIpRangesToNat();
    if (source.isEmpty()) {
      throw ComputeErrors.required(
          field + ".sourceSubnetworkIpRangesToNat",
          "use ALL_SUBNETWORKS_ALL_IP_RANGES, ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES or"
              + " LIST_OF_SUBNETWORKS");
    }
    // A NAT that takes every subnet of the network and region (ALL_SUBNETWORKS_ALL_IP_RANGES or
    // ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES) leaves room for no other NAT there. Compute's words,
    // as reported in google/osv.dev#5629: "Invalid value for field
    // 'resource.nats[0].sourceSubnetworkIpRangesToNat': 'ALL_SUBNETWORKS_ALL_IP_RANGES'. Can not
    // create new Nats since a Nat with option ALL_SUBNETWORKS_ALL_IP_RANGES exists."
    for (Held h : held) {
      String other = h.nat().getSourceSubnetworkIpRangesToNat();
      if (ALL_OPTIONS.contains(other)) {
        throw ComputeErrors.invalid(
            field + ".sourceSubnetworkIpRangesToNat",
            source,
            "Can not create new Nats since a Nat with option " + other + " exists.");
      }
    }
    if (ALL_OPTIONS.contains(source) && !held.isEmpty()) {
      Held h = held.get(0);
      throw ComputeErrors.invalid(
          field + ".sourceSubnetworkIpRangesToNat",
          source,
          "Can not create a Nat with option "
              + source
              + " since Nat '"
              + h.nat().getName()
              + "' of router '"
              + h.router()
              + "' already serves this network and region.");
    }
  }

  private List<String> natIps(String field, RouterNat nat, Set<String> addressesHeld) {
    String option = nat.getNatIpAllocateOption();
    if (option.isEmpty()) {
      throw ComputeErrors.required(
          field + ".natIpAllocateOption",
          "use AUTO_ONLY (Google picks the addresses) or MANUAL_ONLY with natIps");
    }
    if (option.equals("AUTO_ONLY")) {
      if (nat.getNatIpsCount() > 0) {
        throw ComputeErrors.invalid(
            field + ".natIps",
            nat.getNatIps(0),
            "natIps must be empty with AUTO_ONLY; use MANUAL_ONLY to choose the addresses.");
      }
      return List.of();
    }
    if (nat.getNatIpsCount() == 0) {
      throw ComputeErrors.required(
          field + ".natIps", "MANUAL_ONLY needs at least one reserved external address");
    }
    List<String> links = new ArrayList<>();
    for (int j = 0; j < nat.getNatIpsCount(); j++) {
      String ip = nat.getNatIps(j);
      String f = field + ".natIps[" + j + "]";
      ResourceRef ref =
          ResourceRef.parse(ip, "addresses", router.project(), router.region())
              .orElseThrow(
                  () ->
                      ComputeErrors.invalid(
                          f, ip, "Not an address reference; use regions/REGION/addresses/NAME."));
      Address address =
          state
              .addresses
              .get(ref.relative())
              .orElseThrow(
                  () ->
                      ComputeErrors.invalid(
                          f, ip, "The referenced address resource cannot be found."));
      if (!router.region().equals(ref.region())) {
        throw ComputeErrors.invalid(
            f, ip, "The address must be in the router's region, " + router.region() + ".");
      }
      if (!address.getAddressType().equals("EXTERNAL")) {
        throw ComputeErrors.invalid(f, ip, "A NAT address must be an EXTERNAL address.");
      }
      if (addressesHeld.contains(ref.link()) || links.contains(ref.link())) {
        throw ComputeErrors.invalid(f, ip, "The address is already used by another NAT.");
      }
      links.add(ref.link());
    }
    addressesHeld.addAll(links);
    return links;
  }

  private List<RouterNatSubnetworkToNat> subnets(String field, RouterNat nat, List<Held> held) {
    if (!nat.getSourceSubnetworkIpRangesToNat().equals(LIST)) {
      if (nat.getSubnetworksCount() > 0) {
        throw ComputeErrors.invalid(
            field + ".subnetworks",
            nat.getSubnetworks(0).getName(),
            "subnetworks must be empty unless sourceSubnetworkIpRangesToNat is"
                + " LIST_OF_SUBNETWORKS.");
      }
      return List.of();
    }
    if (nat.getSubnetworksCount() == 0) {
      throw ComputeErrors.required(
          field + ".subnetworks", "LIST_OF_SUBNETWORKS needs the subnets to NAT");
    }
    Set<String> natted = new HashSet<>();
    held.forEach(h -> h.nat().getSubnetworksList().forEach(s -> natted.add(s.getName())));
    List<RouterNatSubnetworkToNat> out = new ArrayList<>();
    for (int j = 0; j < nat.getSubnetworksCount(); j++) {
      RouterNatSubnetworkToNat s = nat.getSubnetworks(j);
      String f = field + ".subnetworks[" + j + "]";
      Subnetwork subnet = subnet(f + ".name", s.getName());
      if (!natted.add(subnet.getSelfLink())) {
        throw ComputeErrors.invalid(
            f + ".name",
            s.getName(),
            "The subnetwork is already NATed by another NAT in this network and region.");
      }
      if (s.getSourceIpRangesToNatCount() == 0) {
        throw ComputeErrors.required(
            f + ".sourceIpRangesToNat",
            "use ALL_IP_RANGES, PRIMARY_IP_RANGE or LIST_OF_SECONDARY_IP_RANGES");
      }
      for (String rangeName : s.getSecondaryIpRangeNamesList()) {
        boolean exists =
            subnet.getSecondaryIpRangesList().stream()
                .map(SubnetworkSecondaryRange::getRangeName)
                .anyMatch(rangeName::equals);
        if (!exists) {
          throw ComputeErrors.invalid(
              f + ".secondaryIpRangeNames", rangeName, "The subnetwork has no such range.");
        }
      }
      out.add(s.toBuilder().setName(subnet.getSelfLink()).build());
    }
    return out;
  }

  private Subnetwork subnet(String field, String reference) {
    ResourceRef ref =
        ResourceRef.parse(reference, "subnetworks", router.project(), router.region())
            .orElseThrow(
                () ->
                    ComputeErrors.invalid(
                        field,
                        reference,
                        "Not a subnetwork reference; use regions/REGION/subnetworks/NAME."));
    Subnetwork subnet =
        state
            .subnetworks
            .get(ref.relative())
            .orElseThrow(
                () ->
                    ComputeErrors.invalid(
                        field, reference, "The referenced subnetwork resource cannot be found."));
    if (!router.region().equals(ref.region()) || !subnet.getNetwork().equals(networkLink)) {
      throw ComputeErrors.invalid(
          field,
          reference,
          "The subnetwork must be in the router's network and region ("
              + ResourceRef.shortName(networkLink)
              + ", "
              + router.region()
              + ").");
    }
    return subnet;
  }
}
