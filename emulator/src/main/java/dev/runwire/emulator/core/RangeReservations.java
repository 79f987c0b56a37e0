package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ranges reserved in networks by resources that are not subnets (Redis reserved ranges, connector
 * ranges), and the overlap arithmetic every surface shares. Reusable by any {@link Networks}.
 */
public final class RangeReservations {

  private record Reservation(String project, String network, Networks.AddressRange range) {}

  private final List<Reservation> reservations = new ArrayList<>();

  public void reserve(String project, String network, String cidr, String owner, String purpose) {
    reservations.add(
        new Reservation(project, network, new Networks.AddressRange(cidr, owner, purpose)));
  }

  public void release(String owner) {
    reservations.removeIf(r -> r.range().owner().equals(owner));
  }

  public List<Networks.AddressRange> in(String project, String network) {
    return reservations.stream()
        .filter(r -> r.project().equals(project) && r.network().equals(network))
        .map(Reservation::range)
        .toList();
  }

  public void clear() {
    reservations.clear();
  }

  /** Every reservation, for a state file. */
  public JsonArray save() {
    JsonArray out = new JsonArray();
    for (Reservation r : reservations) {
      JsonObject o = new JsonObject();
      o.addProperty("project", r.project());
      o.addProperty("network", r.network());
      o.addProperty("cidr", r.range().cidr());
      o.addProperty("owner", r.range().owner());
      o.addProperty("purpose", r.range().purpose());
      out.add(o);
    }
    return out;
  }

  /** What {@link #save} wrote. */
  public void load(JsonArray saved) {
    reservations.clear();
    for (var e : saved) {
      JsonObject o = e.getAsJsonObject();
      reserve(
          o.get("project").getAsString(),
          o.get("network").getAsString(),
          o.get("cidr").getAsString(),
          o.get("owner").getAsString(),
          o.get("purpose").getAsString());
    }
  }

  /** The IPv4 block {@code cidr} denotes, or empty when it is not a valid a.b.c.d/n block. */
  public static Optional<IPAddress> parseBlock(String cidr) {
    if (cidr == null || !cidr.contains("/")) {
      return Optional.empty();
    }
    IPAddress address = new IPAddressString(cidr.trim()).getAddress();
    if (address == null || !address.isIPv4() || address.getNetworkPrefixLength() == null) {
      return Optional.empty();
    }
    return Optional.of(address);
  }

  /**
   * Is {@code cidr} a block whose address is its network address (10.0.0.0/28, not 10.0.0.1/28)?
   */
  public static boolean isAligned(String cidr) {
    return parseBlock(cidr).map(IPAddress::isPrefixBlock).orElse(false);
  }

  /** The first range in {@code used} that overlaps {@code cidr}. */
  public static Optional<Networks.AddressRange> firstOverlap(
      List<Networks.AddressRange> used, String cidr) {
    IPAddress wanted = parseBlock(cidr).map(IPAddress::toPrefixBlock).orElseThrow();
    for (Networks.AddressRange r : used) {
      Optional<IPAddress> other = parseBlock(r.cidr()).map(IPAddress::toPrefixBlock);
      if (other.isPresent() && overlaps(wanted, other.get())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses {@code cidr} (400 naming {@code field}) when it overlaps a range in {@code used}, the
   * ranges in use in {@code network}; {@code fix} says what to do instead.
   */
  public static void requireUnused(
      List<Networks.AddressRange> used, String cidr, String field, String network, String fix) {
    Optional<Networks.AddressRange> clash = firstOverlap(used, cidr);
    if (clash.isPresent()) {
      throw ApiException.invalidArgument(
          field,
          "'"
              + cidr
              + "' overlaps "
              + clash.get().describe()
              + " in network "
              + network
              + "; "
              + fix);
    }
  }

  public static boolean overlaps(IPAddress a, IPAddress b) {
    return a.contains(b) || b.contains(a);
  }

  /** The first free block of {@code prefix} bits inside {@code within} that overlaps nothing. */
  public static Optional<String> firstFree(
      List<Networks.AddressRange> used, String within, int prefix) {
    IPAddress space = parseBlock(within).orElseThrow().toPrefixBlock();
    var blocks = space.setPrefixLength(prefix, false).prefixBlockIterator();
    while (blocks.hasNext()) {
      IPAddress block = blocks.next();
      String cidr = block.toCanonicalString();
      if (firstOverlap(used, cidr).isEmpty()) {
        return Optional.of(cidr);
      }
    }
    return Optional.empty();
  }
}
