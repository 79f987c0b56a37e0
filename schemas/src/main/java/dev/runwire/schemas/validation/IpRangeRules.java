package dev.runwire.schemas.validation;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every IPv4 range in a request: well-formed CIDR, the prefix length its use needs (Direct VPC
 * subnet /26 or larger, connector /28, Redis /29), private address space only, clear of the {@code
 * default} network's auto-mode ranges, and no two ranges overlapping. The math is done by the
 * ipaddress library.
 */
final class IpRangeRules implements RequestRule {

  /** Address space a VPC subnet may use without being "privately used public" space. */
  private static final List<IPAddress> PRIVATE_SPACE =
      List.of(
          block("10.0.0.0/8"),
          block("172.16.0.0/12"),
          block("192.168.0.0/16"),
          block("100.64.0.0/10"));

  /** The auto-mode {@code default} network already has a subnet in every region inside this. */
  private static final IPAddress AUTO_MODE_SPACE = block("10.128.0.0/9");

  /** Dotted quad and prefix, decimal without leading zeros; ipaddress accepts more forms. */
  private static final Pattern CIDR_SHAPE =
      Pattern.compile("^((?:0|[1-9][0-9]{0,2})(?:\\.(?:0|[1-9][0-9]{0,2})){3})/([0-9]{1,2})$");

  /** One range of the request and the prefix lengths its use allows. */
  private record Use(String pointer, String what, int widest, int narrowest, String example) {
    String sizeRule() {
      if (widest == narrowest) {
        return "must be a /" + widest;
      }
      return widest <= 8
          ? "must be a /" + narrowest + " or larger"
          : "must be a /" + narrowest + " or a /" + widest;
    }
  }

  private record Parsed(Use use, String text, IPAddress block) {}

  @Override
  public void check(RequestView request, Problems problems) {
    List<Parsed> ranges = new ArrayList<>();
    for (Use use : uses(request)) {
      Optional<String> text = request.string(use.pointer());
      if (text.isEmpty()) {
        continue;
      }
      IPAddress block = parse(use, text.get(), problems);
      if (block == null) {
        continue;
      }
      boolean fine = checkSize(use, text.get(), block, problems);
      fine &= checkPrivate(use, text.get(), block, problems);
      fine &= checkAutoMode(request, use, text.get(), block, problems);
      if (fine) {
        ranges.add(new Parsed(use, text.get(), block));
      }
    }
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = 0; j < i; j++) {
        Parsed later = ranges.get(i);
        Parsed earlier = ranges.get(j);
        if (later.block().overlaps(earlier.block())) {
          problems.add(
              later.use().pointer(),
              later.text()
                  + " overlaps "
                  + earlier.text()
                  + " at "
                  + earlier.use().pointer()
                  + "; every range in a request must be separate");
        }
      }
    }
  }

  private static List<Use> uses(RequestView request) {
    List<Use> uses = new ArrayList<>();
    String egressMode = request.string("/egress/mode").orElse("");
    if (egressMode.equals("direct-vpc")) {
      uses.add(new Use("/egress/subnet/range", "a Direct VPC egress subnet", 8, 26, "10.8.0.0/26"));
    }
    if (egressMode.equals("connector")) {
      uses.add(new Use("/egress/connector/range", "a connector range", 28, 28, "10.8.0.0/28"));
      uses.add(
          new Use("/egress/connector/subnet/range", "a connector subnet", 28, 28, "10.8.0.0/28"));
    }
    if (RedisRules.usesCidrReservedRange(request)) {
      boolean ha = request.string("/redis/tier").orElse("BASIC").equals("STANDARD_HA");
      uses.add(
          new Use(
              "/redis/reservedIpRange", "a Redis reserved range", ha ? 28 : 29, 29, "10.9.0.0/29"));
    }
    return uses;
  }

  private static IPAddress parse(Use use, String text, Problems problems) {
    String shown = Pointers.printable(text);
    if (text.contains(":")) {
      problems.add(
          use.pointer(), shown + " is IPv6; " + use.what() + " is IPv4, e.g. " + use.example());
      return null;
    }
    Matcher shape = CIDR_SHAPE.matcher(text);
    if (!shape.matches()) {
      String hint = text.matches("^[0-9.]+$") ? " (the prefix length is missing)" : "";
      problems.add(
          use.pointer(),
          "'"
              + shown
              + "' is not an IPv4 range in CIDR notation"
              + hint
              + "; write it like "
              + use.example());
      return null;
    }
    IPAddress address = new IPAddressString(text).getAddress();
    int prefix = Integer.parseInt(shape.group(2));
    if (address == null || !address.isIPv4() || prefix > 32) {
      problems.add(
          use.pointer(),
          shown
              + " is not a valid IPv4 range (each number 0-255, prefix 0-32); e.g. "
              + use.example());
      return null;
    }
    if (!address.getLower().isZeroHost()) {
      problems.add(
          use.pointer(),
          shown
              + " has host bits set; the range starts at "
              + address.toPrefixBlock().toCanonicalString()
              + ", write that");
      return null;
    }
    return address.toPrefixBlock();
  }

  private static boolean checkSize(Use use, String text, IPAddress block, Problems problems) {
    int prefix = block.getNetworkPrefixLength();
    if (prefix >= use.widest() && prefix <= use.narrowest()) {
      return true;
    }
    String example = block.getLower().toPrefixBlock(use.narrowest()).toCanonicalString();
    problems.add(
        use.pointer(),
        Pointers.printable(text)
            + " "
            + use.sizeRule()
            + " for "
            + use.what()
            + ", e.g. "
            + example);
    return false;
  }

  private static boolean checkPrivate(Use use, String text, IPAddress block, Problems problems) {
    for (IPAddress space : PRIVATE_SPACE) {
      if (space.contains(block)) {
        return true;
      }
    }
    problems.add(
        use.pointer(),
        text
            + " is not private address space; use a range inside 10.0.0.0/8, 172.16.0.0/12,"
            + " 192.168.0.0/16 or 100.64.0.0/10, e.g. "
            + use.example());
    return false;
  }

  private static boolean checkAutoMode(
      RequestView request, Use use, String text, IPAddress block, Problems problems) {
    if (!request.string("/target/network").orElse("default").equals("default")
        || !AUTO_MODE_SPACE.overlaps(block)) {
      return true;
    }
    problems.add(
        use.pointer(),
        text
            + " overlaps 10.128.0.0/9, where the auto-mode 'default' network has its subnets;"
            + " pick a range outside it, e.g. "
            + use.example());
    return false;
  }

  private static IPAddress block(String cidr) {
    return new IPAddressString(cidr).getAddress().toPrefixBlock();
  }
}
