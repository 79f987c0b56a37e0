package dev.runwire.emulator.compute;

import dev.runwire.emulator.core.RangeReservations;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Optional;

/**
 * The IPv4 ranges Google Cloud accepts for subnets without special setup: RFC 1918, the shared
 * 100.64.0.0/10, and the other reserved blocks its VPC docs list as valid. Shared by Compute
 * (subnet ranges) and VPC Access (connector ranges).
 */
public final class PrivateRanges {

  private static final List<IPAddress> VALID =
      List.of(
              "10.0.0.0/8",
              "172.16.0.0/12",
              "192.168.0.0/16",
              "100.64.0.0/10",
              "192.0.0.0/24",
              "198.18.0.0/15",
              "240.0.0.0/4")
          .stream()
          .map(s -> new IPAddressString(s).getAddress())
          .toList();

  private PrivateRanges() {}

  /** Is {@code cidr} (a valid block) inside one of the valid private ranges? */
  public static boolean contains(String cidr) {
    Optional<IPAddress> block = RangeReservations.parseBlock(cidr);
    return block.isPresent()
        && VALID.stream().anyMatch(v -> v.contains(block.get().toPrefixBlock()));
  }

  /** Names the valid ranges, for messages. */
  public static String describe() {
    return "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or 100.64.0.0/10";
  }
}
