package dev.runwire.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The requests the benchmark sends, written as the JSON a publisher would send. The largest one has
 * every step: a custom network (so a firewall rule), Redis, a connector on its own subnet, a static
 * egress IP (address, router, NAT) and the service update, then verify.
 */
final class BenchRequests {

  static final String PROJECT = "bench-project";
  static final String REGION = "europe-west1";
  static final String NETWORK = "bench-net";
  static final String SERVICE = "bench-app";
  static final String IMAGE = "local/bench-app";

  private BenchRequests() {}

  /**
   * Every step of the DAG: connector mode on an explicit subnet plus a fixed egress IP. The shared
   * resources are named, so services copied from this one (figure 3) share them the way a platform
   * team's services share one connector and NAT.
   */
  static JsonObject largest(String requestId) {
    return JsonParser.parseString(
            """
            {"apiVersion":"runwire.dev/v1","requestId":"%s","mode":"apply",
             "target":{"project":"%s","region":"%s","network":"%s"},
             "service":{"name":"%s","image":"%s"},
             "redis":{"name":"bench-cache","tier":"BASIC","memorySizeGb":1},
             "egress":{"mode":"connector","route":"all-traffic","firewallName":"bench-allow-redis",
                       "connector":{"name":"bench-conn",
                                    "subnet":{"name":"bench-conn-subnet","range":"10.9.0.0/28"},
                                    "minInstances":2,"maxInstances":3,"machineType":"e2-micro"}},
             "staticEgressIp":{"enabled":true,"addressName":"bench-egress-ip",
                               "routerName":"bench-router","natName":"bench-nat"}}
            """
                .formatted(requestId, PROJECT, REGION, NETWORK, SERVICE, IMAGE))
        .getAsJsonObject();
  }

  /** A scoped drift check over every runwire-managed service of the bench's project and region. */
  static JsonObject scopedDriftCheck(String requestId) {
    return JsonParser.parseString(
            """
            {"apiVersion":"runwire.dev/v1","requestId":"%s","mode":"drift-check",
             "scope":{"project":"%s","regions":["%s"]}}
            """
                .formatted(requestId, PROJECT, REGION))
        .getAsJsonObject();
  }
}
