package dev.runwire.function;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Provisioning requests as a publisher writes them. */
public final class Requests {

  private Requests() {}

  /** A valid apply request (Direct VPC egress, static egress IP), pretty-printed. */
  public static String apply(String requestId) {
    return """
        {
          "apiVersion": "runwire.dev/v1",
          "requestId": "%s",
          "mode": "apply",
          "target": {"project": "runwire-demo", "region": "us-central1", "network": "default"},
          "service": {"name": "visitor-counter", "image": "local/visitor-counter", "ingress": "all"},
          "redis": {"name": "visitor-counter-redis", "tier": "BASIC", "memorySizeGb": 1},
          "egress": {
            "mode": "direct-vpc",
            "subnet": {"name": "runwire-egress", "range": "10.8.0.0/26"},
            "route": "all-traffic"
          },
          "staticEgressIp": {"enabled": true}
        }
        """
        .formatted(requestId);
  }

  /** A scoped drift check over {@code regions}. */
  public static String scopedDriftCheck(String requestId, String... regions) {
    JsonObject scope = new JsonObject();
    scope.addProperty("project", "runwire-demo");
    JsonArray list = new JsonArray();
    for (String region : regions) {
      list.add(region);
    }
    scope.add("regions", list);
    JsonObject request = new JsonObject();
    request.addProperty("apiVersion", "runwire.dev/v1");
    request.addProperty("requestId", requestId);
    request.addProperty("mode", "drift-check");
    request.add("scope", scope);
    return request.toString();
  }

  /** Three schema violations at once: bad mode, a /29 Direct VPC subnet, an unknown field. */
  public static String withThreeProblems(String requestId) {
    return apply(requestId)
        .replace("\"mode\": \"apply\"", "\"mode\": \"deploy\"")
        .replace("10.8.0.0/26", "10.8.0.0/29")
        .replace("\"ingress\": \"all\"", "\"ingress\": \"all\", \"colour\": \"blue\"");
  }
}
