package dev.runwire.schemas.validation;

import java.util.regex.Pattern;

/**
 * Memorystore rules the schema cannot say: the form of {@code reservedIpRange} depends on the
 * connect mode. DIRECT_PEERING takes a CIDR (checked with the other ranges by {@link
 * IpRangeRules}); PRIVATE_SERVICE_ACCESS takes the name of an allocated range.
 */
final class RedisRules implements RequestRule {

  private static final Pattern RANGE_NAME = Pattern.compile("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$");

  static boolean usesCidrReservedRange(RequestView request) {
    return request.has("/redis/reservedIpRange")
        && request.string("/redis/connectMode").orElse("DIRECT_PEERING").equals("DIRECT_PEERING");
  }

  @Override
  public void check(RequestView request, Problems problems) {
    String mode = request.string("/redis/connectMode").orElse("DIRECT_PEERING");
    request
        .string("/redis/reservedIpRange")
        .filter(range -> mode.equals("PRIVATE_SERVICE_ACCESS"))
        .filter(range -> !RANGE_NAME.matcher(range).matches())
        .ifPresent(
            range ->
                problems.add(
                    "/redis/reservedIpRange",
                    (range.contains("/") ? "'" + Pointers.printable(range) + "' is a CIDR; " : "")
                        + "with connectMode PRIVATE_SERVICE_ACCESS, reservedIpRange is the name of"
                        + " an allocated range of the private services access connection, e.g."
                        + " google-managed-services-default (or use connectMode DIRECT_PEERING"
                        + " for a CIDR)"));
  }
}
