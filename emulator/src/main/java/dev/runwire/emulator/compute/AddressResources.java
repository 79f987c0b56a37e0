package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.AddressList;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.Subnetwork;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.RangeReservations;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Regional static addresses. EXTERNAL ones get a public-looking address from the documentation
 * ranges 203.0.113.0/24 and 198.51.100.0/24 (unique across projects, like real public IPs);
 * INTERNAL ones an address of their subnet. An address is RESERVED until a Cloud NAT uses it, then
 * IN_USE with the router in {@code users[]}; an address in use cannot be deleted.
 */
final class AddressResources extends ComputeCollection<Address> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.address", Duration.ofSeconds(3));

  private static final List<String> EXTERNAL_POOLS = List.of("203.0.113.0/24", "198.51.100.0/24");

  AddressResources(CloudCore core, ComputeState state, OperationResources operations) {
    super(
        core,
        state,
        operations,
        state.addresses,
        "addresses",
        "compute#address",
        true,
        LATENCY,
        Address.getDefaultInstance(),
        AddressList.getDefaultInstance());
  }

  @Override
  Prepared<Address> prepareInsert(Scope scope, ResourceRef ref, Address in) {
    if (in.hasIpVersion() && !in.getIpVersion().equals("IPV4")) {
      throw ComputeErrors.invalid(
          "resource.ipVersion", in.getIpVersion(), "The local cloud serves IPV4 addresses only.");
    }
    Address.Builder out = in.toBuilder().clearUsers().clearStatus();
    if (!in.hasAddressType()) {
      out.setAddressType("EXTERNAL");
    }
    if (out.getAddressType().equals("EXTERNAL")) {
      external(out);
    } else {
      internal(ref, out);
    }
    return Prepared.ok(out.build());
  }

  private void external(Address.Builder out) {
    if (!out.getSubnetwork().isEmpty() || !out.getNetwork().isEmpty()) {
      throw ComputeErrors.invalid(
          out.getSubnetwork().isEmpty() ? "resource.network" : "resource.subnetwork",
          out.getSubnetwork().isEmpty() ? out.getNetwork() : out.getSubnetwork(),
          "An EXTERNAL address belongs to no network; remove the field or use addressType"
              + " INTERNAL.");
    }
    if (!out.hasNetworkTier()) {
      out.setNetworkTier("PREMIUM");
    }
    Set<String> taken = new HashSet<>();
    state.addresses.allHeld().stream()
        .filter(a -> a.getAddressType().equals("EXTERNAL"))
        .forEach(a -> taken.add(a.getAddress()));
    if (out.hasAddress()) {
      String ip = canonicalHost("resource.address", out.getAddress());
      boolean inPool = EXTERNAL_POOLS.stream().anyMatch(p -> contains(p, ip));
      if (!inPool) {
        throw ComputeErrors.invalid(
            "resource.address",
            ip,
            "Only addresses of the documentation ranges "
                + EXTERNAL_POOLS
                + " can be chosen locally; leave the field empty to get one.");
      }
      if (taken.contains(ip)) {
        throw ComputeErrors.invalid("resource.address", ip, "The address is already reserved.");
      }
      out.setAddress(ip);
      return;
    }
    for (String pool : EXTERNAL_POOLS) {
      Optional<String> free = firstFreeHost(pool, 1, 1, taken);
      if (free.isPresent()) {
        out.setAddress(free.get());
        return;
      }
    }
    throw ComputeErrors.quotaExceeded(
        "STATIC_ADDRESSES", "every local external address (" + EXTERNAL_POOLS + ") is reserved");
  }

  private void internal(ResourceRef ref, Address.Builder out) {
    if (out.getSubnetwork().isEmpty()) {
      throw ComputeErrors.required(
          "resource.subnetwork",
          "an INTERNAL address is taken from a subnet: name it, e.g. regions/"
              + ref.region()
              + "/subnetworks/my-subnet");
    }
    String reference = out.getSubnetwork();
    Subnetwork subnet =
        ResourceRef.parse(reference, "subnetworks", ref.project(), ref.region())
            .flatMap(r -> state.subnetworks.get(r.relative()))
            .orElseThrow(
                () ->
                    ComputeErrors.invalid(
                        "resource.subnetwork",
                        reference,
                        "The referenced subnetwork resource cannot be found."));
    if (!ResourceRef.shortName(subnet.getRegion()).equals(ref.region())) {
      throw ComputeErrors.invalid(
          "resource.subnetwork", reference, "The subnetwork must be in region " + ref.region());
    }
    out.setSubnetwork(subnet.getSelfLink()).clearNetworkTier();
    if (!out.hasPurpose()) {
      out.setPurpose("GCE_ENDPOINT");
    }
    Set<String> taken = new HashSet<>();
    state.addresses.allHeld().stream()
        .filter(a -> a.getSubnetwork().equals(subnet.getSelfLink()))
        .forEach(a -> taken.add(a.getAddress()));
    String range = subnet.getIpCidrRange();
    if (out.hasAddress()) {
      String ip = canonicalHost("resource.address", out.getAddress());
      if (!usableHost(range, ip)) {
        throw ComputeErrors.invalid(
            "resource.address",
            ip,
            "Not a usable address of subnetwork "
                + subnet.getName()
                + " ("
                + range
                + "; the first two and last two addresses are reserved).");
      }
      if (taken.contains(ip)) {
        throw ComputeErrors.invalid("resource.address", ip, "The address is already reserved.");
      }
      out.setAddress(ip);
      return;
    }
    out.setAddress(
        firstFreeHost(range, 2, 2, taken)
            .orElseThrow(
                () ->
                    ComputeErrors.invalid(
                        "resource.subnetwork",
                        reference,
                        "The subnetwork has no free address left.")));
  }

  @Override
  Address present(Address address) {
    List<String> users = usersOf(address);
    return address.toBuilder()
        .clearUsers()
        .addAllUsers(users)
        .setStatus(users.isEmpty() ? "RESERVED" : "IN_USE")
        .build();
  }

  @Override
  ApiException deleteBlocker(ResourceRef ref, Address address) {
    List<String> users = usersOf(address);
    return users.isEmpty()
        ? null
        : ComputeErrors.inUse("address", ref.relative(), ResourceRef.relativeOf(users.get(0)));
  }

  /** The routers whose NATs use the address: derived, so it is never out of date. */
  private List<String> usersOf(Address address) {
    return state.routers.allHeld().stream()
        .filter(r -> state.routers.get(ResourceRef.relativeOf(r.getSelfLink())).isPresent())
        .filter(
            r ->
                r.getNatsList().stream()
                    .anyMatch(n -> n.getNatIpsList().contains(address.getSelfLink())))
        .map(Router::getSelfLink)
        .toList();
  }

  private static String canonicalHost(String field, String text) {
    IPAddress ip = new IPAddressString(text.trim()).getAddress();
    if (ip == null || !ip.isIPv4() || ip.getNetworkPrefixLength() != null) {
      throw ComputeErrors.invalid(field, text, "Not an IPv4 address such as 10.0.0.5.");
    }
    return ip.toCanonicalString();
  }

  private static boolean contains(String cidr, String ip) {
    return RangeReservations.parseBlock(cidr)
        .orElseThrow()
        .toPrefixBlock()
        .contains(new IPAddressString(ip).getAddress());
  }

  private static boolean usableHost(String cidr, String ip) {
    IPAddress block = RangeReservations.parseBlock(cidr).orElseThrow().toPrefixBlock();
    IPAddress addr = new IPAddressString(ip).getAddress();
    if (!block.contains(addr)) {
      return false;
    }
    long offset = addr.getValue().longValue() - block.getLower().getValue().longValue();
    long size = block.getCount().longValue();
    return offset >= 2 && offset < size - 2;
  }

  /** The first address of {@code cidr} not in {@code taken}, skipping {@code head}/{@code tail}. */
  private static Optional<String> firstFreeHost(
      String cidr, int head, int tail, Set<String> taken) {
    IPAddress block = RangeReservations.parseBlock(cidr).orElseThrow().toPrefixBlock();
    long size = block.getCount().longValue();
    IPAddress lower = block.getLower().withoutPrefixLength();
    for (long i = head; i < size - tail; i++) {
      String ip = lower.increment(i).toCanonicalString();
      if (!taken.contains(ip)) {
        return Optional.of(ip);
      }
    }
    return Optional.empty();
  }
}
