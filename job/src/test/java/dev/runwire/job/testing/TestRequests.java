package dev.runwire.job.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.function.Consumer;

/** Requests for tests, written as the JSON a publisher would send, then tweaked per scenario. */
public final class TestRequests {

  public static final String PROJECT = "demo-project";
  public static final String REGION = "europe-west1";
  public static final String NETWORK = "runwire-net";

  private TestRequests() {}

  public static JsonObject directVpcJson(boolean staticIp) {
    JsonObject json =
        JsonParser.parseString(
                """
                {"apiVersion":"runwire.dev/v1","requestId":"req-direct","mode":"apply",
                 "target":{"project":"demo-project","region":"europe-west1","network":"runwire-net"},
                 "service":{"name":"visitor-counter","image":"local/visitor-counter"},
                 "redis":{"name":"visitor-cache","tier":"BASIC","memorySizeGb":1},
                 "egress":{"mode":"direct-vpc","subnet":{"name":"run-egress","range":"10.8.0.0/26"},
                           "route":"all-traffic"}}
                """)
            .getAsJsonObject();
    if (staticIp) {
      json.add("staticEgressIp", JsonParser.parseString("{\"enabled\":true}"));
    }
    return json;
  }

  public static JsonObject connectorJson(boolean staticIp) {
    JsonObject json = directVpcJson(staticIp);
    json.addProperty("requestId", "req-connector");
    json.add(
        "egress",
        JsonParser.parseString(
            """
            {"mode":"connector","route":"all-traffic",
             "connector":{"name":"run-conn","subnet":{"name":"conn-subnet","range":"10.9.0.0/28"},
                          "minInstances":2,"maxInstances":3,"machineType":"e2-micro"}}
            """));
    return json;
  }

  public static ProvisioningRequest directVpc(boolean staticIp) {
    return of(directVpcJson(staticIp));
  }

  public static ProvisioningRequest connector(boolean staticIp) {
    return of(connectorJson(staticIp));
  }

  public static ProvisioningRequest of(JsonObject json) {
    return MessageCodec.fromJson(json.toString(), ProvisioningRequest.class);
  }

  /** A copy of {@code base} changed by {@code edit}. */
  public static ProvisioningRequest tweak(JsonObject base, Consumer<JsonObject> edit) {
    JsonObject copy = base.deepCopy();
    edit.accept(copy);
    return of(copy);
  }
}
