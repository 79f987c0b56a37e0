package dev.runwire.schemas.validation;

/**
 * A fixed egress IP works only when all of the service's traffic goes into the VPC (route
 * all-traffic) and leaves from a subnet a Cloud NAT can list: the Direct VPC subnet or a
 * connector's explicit subnet. A {@code range} connector's hidden subnet cannot be named in a NAT.
 */
final class StaticEgressIpRules implements RequestRule {

  @Override
  public void check(RequestView request, Problems problems) {
    if (!request.bool("/staticEgressIp/enabled").orElse(false)) {
      return;
    }
    if (request.has("/egress/route") || !request.has("/egress/mode")) {
      request
          .string("/egress/route")
          .filter(route -> !route.equals("all-traffic"))
          .ifPresent(
              route ->
                  problems.add(
                      "/egress/route",
                      "is "
                          + route
                          + "; a static egress IP needs all-traffic (with private-ranges-only,"
                          + " public traffic would not go through the NAT)"));
    } else {
      problems.add(
          "/egress/route",
          "is missing (default private-ranges-only); a static egress IP needs \"route\":"
              + " \"all-traffic\"");
    }
    if (request.string("/egress/mode").orElse("").equals("connector")
        && request.has("/egress/connector/range")) {
      problems.add(
          "/egress/connector/range",
          "a connector made from a bare range gets a hidden subnet that Cloud NAT cannot name; for"
              + " a static egress IP give connector.subnet {name, range} (a /28) instead");
    }
  }
}
