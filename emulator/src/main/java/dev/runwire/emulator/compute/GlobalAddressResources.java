package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.AddressList;
import com.google.cloud.compute.v1.Network;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.RangeReservations;
import java.time.Duration;

/**
 * Global addresses as private services access needs them: {@code gcloud compute addresses create
 * NAME --global --purpose=VPC_PEERING --prefix-length=16 --network=N} allocates an internal range
 * in the network (compute.v1 Address: purpose VPC_PEERING, addressType INTERNAL, prefixLength,
 * network). A range Google picks comes from 10.0.0.0/8 and overlaps nothing in the network.
 */
final class GlobalAddressResources extends ComputeCollection<Address> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.globalAddress", Duration.ofSeconds(5));
  static final String PURPOSE = "allocated range for private services access";

  GlobalAddressResources(CloudCore core, ComputeState state, OperationResources operations) {
    super(
        core,
        state,
        operations,
        state.globalAddresses,
        "addresses",
        "compute#address",
        false,
        LATENCY,
        Address.getDefaultInstance(),
        AddressList.getDefaultInstance());
  }

  @Override
  Prepared<Address> prepareInsert(Scope scope, ResourceRef ref, Address in) {
    if (!in.getPurpose().equals("VPC_PEERING")) {
      throw ComputeErrors.invalid(
          "resource.purpose",
          in.getPurpose(),
          "The local cloud serves global addresses with purpose VPC_PEERING (private services"
              + " access ranges) only.");
    }
    if (in.hasAddressType() && !in.getAddressType().equals("INTERNAL")) {
      throw ComputeErrors.invalid(
          "resource.addressType", in.getAddressType(), "VPC_PEERING ranges are INTERNAL.");
    }
    Network network = referencedNetwork(ref.project(), in.getNetwork());
    if (!in.hasPrefixLength() || in.getPrefixLength() < 8 || in.getPrefixLength() > 29) {
      throw ComputeErrors.invalid(
          "resource.prefixLength",
          Integer.toString(in.getPrefixLength()),
          "A VPC_PEERING range needs a prefixLength from 8 to 29, e.g. --prefix-length=16.");
    }
    String networkName = ResourceRef.shortName(network.getSelfLink());
    var used = new ComputeNetworks(state).rangesInUse(ref.project(), networkName);
    String cidr;
    if (in.hasAddress()) {
      cidr = in.getAddress() + "/" + in.getPrefixLength();
      if (!RangeReservations.isAligned(cidr)) {
        throw ComputeErrors.invalid(
            "resource.address", in.getAddress(), "Not the start of a /" + in.getPrefixLength());
      }
      RangeReservations.firstOverlap(used, cidr)
          .ifPresent(
              r -> {
                throw ComputeErrors.invalid(
                    "resource.address", in.getAddress(), "The range overlaps " + r.describe());
              });
    } else {
      cidr =
          RangeReservations.firstFree(used, "10.0.0.0/8", in.getPrefixLength())
              .orElseThrow(
                  () ->
                      ComputeErrors.invalid(
                          "resource.prefixLength",
                          Integer.toString(in.getPrefixLength()),
                          "No free range of that size is left in 10.0.0.0/8."));
    }
    return Prepared.ok(
        in.toBuilder()
            .setAddressType("INTERNAL")
            .setNetwork(network.getSelfLink())
            .setAddress(cidr.substring(0, cidr.indexOf('/')))
            .setStatus("RESERVED")
            .build());
  }

  @Override
  String stateKey() {
    return "globalAddresses";
  }

  @Override
  void afterInsert(ResourceRef ref, Address a) {
    state.reservations.reserve(
        ref.project(),
        ResourceRef.shortName(a.getNetwork()),
        a.getAddress() + "/" + a.getPrefixLength(),
        ref.relative(),
        PURPOSE);
  }

  @Override
  void afterDelete(ResourceRef ref, Address a) {
    state.reservations.release(ref.relative());
  }
}
