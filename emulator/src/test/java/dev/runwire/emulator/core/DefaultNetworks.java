package dev.runwire.emulator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every project has its {@code default} auto-mode network with a {@code default} subnet in each
 * known region, and nothing else. The auto-mode block 10.128.0.0/9 counts as in use.
 */
public final class DefaultNetworks implements Networks {

  private final RangeReservations reservations = new RangeReservations();

  @Override
  public boolean networkExists(String project, String network) {
    return "default".equals(network);
  }

  @Override
  public Optional<Subnet> subnet(String project, String region, String name) {
    if (!"default".equals(name)) {
      return Optional.empty();
    }
    return Regions.autoModeRange(region)
        .map(range -> new Subnet(project, region, "default", "default", range));
  }

  @Override
  public List<AddressRange> rangesInUse(String project, String network) {
    List<AddressRange> out = new ArrayList<>();
    if ("default".equals(network)) {
      out.add(
          new AddressRange(
              Regions.AUTO_MODE_BLOCK,
              "projects/" + project + "/global/networks/default",
              "auto-mode subnets"));
    }
    out.addAll(reservations.in(project, network));
    return out;
  }

  @Override
  public void reserve(String project, String network, String cidr, String owner, String purpose) {
    reservations.reserve(project, network, cidr, owner, purpose);
  }

  @Override
  public void release(String owner) {
    reservations.release(owner);
  }

  @Override
  public void reset() {
    reservations.clear();
  }
}
