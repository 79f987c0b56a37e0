package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkList;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RangeReservations;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Subnetworks: a private IPv4 range (/8 to /29) in one region of a network, that overlaps no other
 * range in use in the network (subnets in any region, connector ranges, Redis reserved ranges, the
 * auto-mode block). An overlap fails the insert's operation, as it does on Google Cloud. Patch
 * needs the current fingerprint (412 otherwise) and cannot change the network or the primary range.
 */
final class SubnetworkResources extends ComputeCollection<Subnetwork> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.subnetwork", Duration.ofSeconds(10));

  private final ComputeNetworks networks;

  SubnetworkResources(
      CloudCore core, ComputeState state, OperationResources operations, ComputeNetworks networks) {
    super(
        core,
        state,
        operations,
        state.subnetworks,
        "subnetworks",
        "compute#subnetwork",
        true,
        LATENCY,
        Subnetwork.getDefaultInstance(),
        SubnetworkList.getDefaultInstance());
    this.networks = networks;
  }

  /** The first host of a block: what Google uses as the subnet's gateway. */
  static String gatewayOf(String cidr) {
    IPAddress block = RangeReservations.parseBlock(cidr).orElseThrow().toPrefixBlock();
    return block.getLower().increment(1).withoutPrefixLength().toCanonicalString();
  }

  @Override
  boolean patchable() {
    return true;
  }

  @Override
  Prepared<Subnetwork> prepareInsert(Scope scope, ResourceRef ref, Subnetwork in) {
    Network network = referencedNetwork(scope.project(), in.getNetwork());
    String cidr = primaryRange(in.getIpCidrRange());
    Subnetwork.Builder out =
        in.toBuilder()
            .setNetwork(network.getSelfLink())
            .setIpCidrRange(cidr)
            .setGatewayAddress(gatewayOf(cidr))
            .clearState();
    if (!in.hasPrivateIpGoogleAccess()) {
      out.setPrivateIpGoogleAccess(false);
    }
    if (!in.hasPurpose()) {
      out.setPurpose("PRIVATE");
    }
    if (!in.hasStackType()) {
      out.setStackType("IPV4_ONLY");
    }
    checkSecondaryRanges(out);
    Subnetwork subnet = withFingerprint(out.build());
    return new Prepared<>(subnet, overlap(ref, subnet));
  }

  @Override
  Prepared<Subnetwork> prepareChange(
      ResourceRef ref, Subnetwork current, Subnetwork changed, JsonObject sent) {
    String fingerprint = sent.has("fingerprint") ? sent.get("fingerprint").getAsString() : "";
    if (!fingerprint.equals(current.getFingerprint())) {
      throw ComputeErrors.fingerprintMismatch(ref.relative());
    }
    requireSameNetwork(
        ref,
        current,
        changed,
        "The network of a subnetwork cannot change; create a new subnetwork.");
    if (!changed.getIpCidrRange().equals(current.getIpCidrRange())) {
      throw ComputeErrors.invalid(
          "resource.ipCidrRange",
          changed.getIpCidrRange(),
          "The primary range cannot be patched; widen it with subnetworks.expandIpCidrRange or"
              + " create a new subnetwork.");
    }
    // privateIpGoogleAccess "can be both set at resource creation time and updated using
    // setPrivateIpGoogleAccess" (compute.v1 Subnetwork): a PATCH carrying a changed value is
    // refused the way Compute refuses fields it cannot patch (the shape seen for [purpose] in
    // terraform-provider-google#6481 and for [region] in pulumi-google-native#345).
    if (sent.has("privateIpGoogleAccess")
        && changed.getPrivateIpGoogleAccess() != current.getPrivateIpGoogleAccess()) {
      throw ComputeErrors.invalid(
          "resource",
          abbreviated(sent),
          "The following field(s) specified in the request cannot be modified:"
              + " [privateIpGoogleAccess]; use subnetworks.setPrivateIpGoogleAccess.");
    }
    if (!changed.getPurpose().equals(current.getPurpose())) {
      throw ComputeErrors.invalid(
          "resource.purpose",
          changed.getPurpose(),
          "The purpose of this subnetwork cannot change.");
    }
    Subnetwork.Builder out =
        changed.toBuilder()
            .setNetwork(current.getNetwork())
            .setGatewayAddress(current.getGatewayAddress());
    checkSecondaryRanges(out);
    Subnetwork next = withFingerprint(out.build());
    return new Prepared<>(next, overlap(ref, next));
  }

  @Override
  void registerActions(Routes routes, String one) {
    routes.post(one + "/setPrivateIpGoogleAccess", this::setPrivateIpGoogleAccess);
  }

  /**
   * {@code POST .../subnetworks/{s}/setPrivateIpGoogleAccess} with {@code {"privateIpGoogleAccess":
   * true|false}}: a regional operation of that type; no fingerprint.
   */
  private Reply setPrivateIpGoogleAccess(ApiRequest request) {
    return action(
        request,
        "setPrivateIpGoogleAccess",
        (current, sent) -> {
          if (!sent.has("privateIpGoogleAccess")
              || !sent.get("privateIpGoogleAccess").isJsonPrimitive()
              || !sent.get("privateIpGoogleAccess").getAsJsonPrimitive().isBoolean()) {
            throw ComputeErrors.required(
                "subnetworksSetPrivateIpGoogleAccessRequestResource.privateIpGoogleAccess",
                "send {\"privateIpGoogleAccess\": true} or false");
          }
          return withFingerprint(
              current.toBuilder()
                  .setPrivateIpGoogleAccess(sent.get("privateIpGoogleAccess").getAsBoolean())
                  .build());
        });
  }

  /** How Compute quotes a request body in a message: one line, cut after 60 characters. */
  private static String abbreviated(JsonObject sent) {
    String text = sent.toString();
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }

  @Override
  ApiException deleteBlocker(ResourceRef ref, Subnetwork subnet) {
    ApiException held = cloudRunHold(ref);
    if (held != null) {
      return held;
    }
    Optional<String> user =
        state.routersOf(subnet.getNetwork(), ref.region()).stream()
            .filter(
                r ->
                    r.getNatsList().stream()
                        .flatMap(n -> n.getSubnetworksList().stream())
                        .anyMatch(s -> s.getName().equals(subnet.getSelfLink())))
            .map(r -> ResourceRef.relativeOf(r.getSelfLink()))
            .findFirst();
    if (user.isEmpty()) {
      String network = ResourceRef.shortName(subnet.getNetwork());
      user =
          networks.rangesInUse(ref.project(), network).stream()
              .filter(r -> !r.owner().equals(ref.relative()))
              .filter(r -> !r.purpose().equals("auto-mode subnets"))
              .filter(r -> insideSubnet(r.cidr(), subnet.getIpCidrRange()))
              .map(Networks.AddressRange::owner)
              .findFirst();
    }
    return user.map(u -> ComputeErrors.inUse("subnetwork", ref.relative(), u)).orElse(null);
  }

  /**
   * Cloud Run Direct VPC egress keeps its addresses in a subnet while a service or job uses it and
   * for 1-2 hours after it stops (the local cloud: {@code run.directvpc.release}, 90 minutes
   * realistic); until then Compute refuses the delete with resourceInUseByAnotherResource. The
   * release time is in the message so a caller can say when to try again.
   */
  private ApiException cloudRunHold(ResourceRef ref) {
    Map<String, Instant> holds = state.subnetHolds.get(ref.relative());
    if (holds == null) {
      return null;
    }
    Instant now = Instant.now();
    holds.values().removeIf(until -> !until.isAfter(now));
    if (holds.isEmpty()) {
      state.subnetHolds.remove(ref.relative());
      return null;
    }
    Map.Entry<String, Instant> first = holds.entrySet().iterator().next();
    String user = first.getKey();
    Instant until = first.getValue();
    ApiException inUse = ComputeErrors.inUse("subnetwork", ref.relative(), user);
    String when =
        until.equals(Instant.MAX)
            ? " (Cloud Run Direct VPC egress uses it; move the workload off the subnet first)"
            : " (Cloud Run Direct VPC egress addresses are released at "
                + until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ")";
    return new ApiException(
        inUse.httpStatus(), inUse.code(), inUse.reason(), inUse.getMessage() + when);
  }

  private static boolean insideSubnet(String cidr, String subnetRange) {
    var block = RangeReservations.parseBlock(cidr);
    var subnet = RangeReservations.parseBlock(subnetRange);
    return block.isPresent()
        && subnet.isPresent()
        && subnet.get().toPrefixBlock().contains(block.get().toPrefixBlock());
  }

  /** A valid private IPv4 block from /8 to /29, in canonical form. */
  private static String primaryRange(String cidr) {
    if (cidr.isEmpty()) {
      throw ComputeErrors.required(
          "resource.ipCidrRange", "give the subnet's primary range, e.g. 10.10.0.0/24");
    }
    return checkBlock("resource.ipCidrRange", cidr);
  }

  static String checkBlock(String field, String cidr) {
    Optional<IPAddress> block = RangeReservations.parseBlock(cidr);
    if (block.isEmpty()) {
      throw ComputeErrors.invalid(
          field, cidr, "Not an IPv4 range in CIDR form such as 10.10.0.0/24.");
    }
    if (!block.get().isPrefixBlock()) {
      throw ComputeErrors.invalid(
          field,
          cidr,
          "Invalid IPCidrRange: the address is not the start of the block; use "
              + block.get().toPrefixBlock().toCanonicalString()
              + ".");
    }
    int prefix = block.get().getNetworkPrefixLength();
    if (prefix < 8 || prefix > 29) {
      throw ComputeErrors.invalid(field, cidr, "The prefix length must be between /8 and /29.");
    }
    if (!PrivateRanges.contains(cidr)) {
      throw ComputeErrors.invalid(
          field, cidr, "Not a private range; use a range in " + PrivateRanges.describe() + ".");
    }
    return block.get().toCanonicalString();
  }

  private static void checkSecondaryRanges(Subnetwork.Builder subnet) {
    Set<String> names = new HashSet<>();
    List<SubnetworkSecondaryRange> checked = new ArrayList<>();
    List<Networks.AddressRange> seen = new ArrayList<>();
    seen.add(new Networks.AddressRange(subnet.getIpCidrRange(), "", "the primary range"));
    for (int i = 0; i < subnet.getSecondaryIpRangesCount(); i++) {
      SubnetworkSecondaryRange r = subnet.getSecondaryIpRanges(i);
      String field = "resource.secondaryIpRanges[" + i + "]";
      ComputeNames.require(field + ".rangeName", r.getRangeName());
      if (!names.add(r.getRangeName())) {
        throw ComputeErrors.invalid(
            field + ".rangeName", r.getRangeName(), "Secondary range names must be unique.");
      }
      if (r.getIpCidrRange().isEmpty()) {
        throw ComputeErrors.required(field + ".ipCidrRange", "give the range, e.g. 10.20.0.0/20");
      }
      String cidr = checkBlock(field + ".ipCidrRange", r.getIpCidrRange());
      var clash = RangeReservations.firstOverlap(seen, cidr);
      if (clash.isPresent()) {
        throw ComputeErrors.invalid(
            field + ".ipCidrRange",
            cidr,
            "It overlaps "
                + clash.get().purpose()
                + " "
                + clash.get().cidr()
                + " of this subnetwork.");
      }
      seen.add(new Networks.AddressRange(cidr, "", "secondary range " + r.getRangeName()));
      checked.add(r.toBuilder().setIpCidrRange(cidr).build());
    }
    subnet.clearSecondaryIpRanges().addAllSecondaryIpRanges(checked);
  }

  /** The operation error when the subnet's ranges overlap a range in use in its network. */
  private ApiException overlap(ResourceRef ref, Subnetwork subnet) {
    String network = ResourceRef.shortName(subnet.getNetwork());
    List<Networks.AddressRange> used =
        networks.rangesInUse(ref.project(), network).stream()
            .filter(r -> !r.owner().equals(ref.relative()))
            .toList();
    List<String> ranges = new ArrayList<>();
    ranges.add(subnet.getIpCidrRange());
    subnet.getSecondaryIpRangesList().forEach(r -> ranges.add(r.getIpCidrRange()));
    for (String cidr : ranges) {
      Optional<Networks.AddressRange> clash = RangeReservations.firstOverlap(used, cidr);
      if (clash.isPresent()) {
        Networks.AddressRange c = clash.get();
        String with =
            c.purpose().equals("subnetwork") || c.purpose().startsWith("secondary range")
                ? "existing subnetwork '"
                    + ResourceRef.shortName(c.owner())
                    + "' in region '"
                    + regionOf(c.owner())
                    + "'"
                    + (c.purpose().equals("subnetwork") ? "" : " (" + c.purpose() + ")")
                : c.describe();
        return ComputeErrors.invalid(
            "resource.ipCidrRange",
            cidr,
            "Invalid IPCidrRange: " + cidr + " conflicts with " + with + ".");
      }
    }
    return null;
  }

  private static String regionOf(String subnetRelative) {
    String[] parts = subnetRelative.split("/");
    return parts.length > 3 ? parts[3] : "";
  }

  private static Subnetwork withFingerprint(Subnetwork s) {
    return s.toBuilder().setFingerprint(Fingerprints.of(s)).build();
  }
}
