package dev.runwire.schemas;

/**
 * The one place that decides the names of resources a request implies but may not spell out
 * (firewall, address, router, NAT, AUTH secret). Every name fits Compute's 63-character limit
 * because a service name is at most 49 characters.
 */
public record ResourceNames(
    String firewall, String address, String router, String nat, String authSecret) {

  static ResourceNames of(ProvisioningRequest request) {
    if (request.service() == null) {
      return new ResourceNames(null, null, null, null, null);
    }
    String service = request.service().name();
    ProvisioningRequest.Egress egress = request.egress();
    ProvisioningRequest.StaticEgressIp ip = request.staticEgressIp();
    String firewall =
        egress != null && egress.firewallName() != null
            ? egress.firewallName()
            : "allow-" + service + "-redis";
    return new ResourceNames(
        firewall,
        ip != null && ip.addressName() != null ? ip.addressName() : service + "-egress-ip",
        ip != null && ip.routerName() != null ? ip.routerName() : service + "-router",
        ip != null && ip.natName() != null ? ip.natName() : service + "-nat",
        request.redis() == null ? null : request.redis().name() + "-auth");
  }
}
