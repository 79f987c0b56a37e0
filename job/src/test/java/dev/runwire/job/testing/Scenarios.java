package dev.runwire.job.testing;

import com.google.gson.JsonObject;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.function.Consumer;

/**
 * Requests that work on the local cloud before its Compute surface exists: the {@code default}
 * network and its {@code default} subnet (which every project has there) as the Direct VPC egress
 * subnet.
 */
public final class Scenarios {

  public static final String PROJECT = "demo-project";
  public static final String REGION = "europe-west1";
  public static final String SERVICE =
      "projects/demo-project/locations/europe-west1/services/visitor-counter";
  public static final String INSTANCE =
      "projects/demo-project/locations/europe-west1/instances/visitor-cache";

  private Scenarios() {}

  public static ProvisioningRequest onDefaultNetwork(String mode, Consumer<JsonObject> edit) {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("target").addProperty("network", "default");
    json.getAsJsonObject("egress")
        .add(
            "subnet",
            com.google.gson.JsonParser.parseString(
                "{\"name\":\"default\",\"range\":\"10.132.0.0/20\"}"));
    json.addProperty("mode", mode);
    edit.accept(json);
    return TestRequests.of(json);
  }
}
