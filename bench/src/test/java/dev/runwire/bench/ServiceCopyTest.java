package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.validation.RequestValidator;
import org.junit.jupiter.api.Test;

class ServiceCopyTest {

  @Test
  void aCopyIsManagedUnderItsOwnNameWithTheSameWiring() {
    JsonObject applied = BenchRequests.largest("ignored");
    applied.remove("requestId");
    applied.remove("mode");
    Service base =
        Service.newBuilder()
            .setName("projects/p/locations/r/services/bench-app")
            .setTemplate(
                RevisionTemplate.newBuilder()
                    .setRevision("bench-app-00001-abc")
                    .addContainers(Container.newBuilder().setImage("local/bench-app")))
            .putLabels("managed-by", "runwire")
            .putAnnotations("runwire.dev/last-applied", applied.toString())
            .build();

    Service copy = DriftScalingBench.copyOf(base, "bench-app-0042");

    assertEquals("", copy.getName());
    assertEquals("", copy.getTemplate().getRevision());
    assertEquals("runwire", copy.getLabelsOrThrow("managed-by"));
    JsonObject annotation =
        MessageCodec.toTree(
                MessageCodec.fromJson(
                    copy.getAnnotationsOrThrow("runwire.dev/last-applied"),
                    ProvisioningRequest.class))
            .getAsJsonObject();
    assertEquals("bench-app-0042", annotation.getAsJsonObject("service").get("name").getAsString());
    annotation.addProperty("requestId", "sweep");
    annotation.addProperty("mode", "drift-check");
    assertTrue(RequestValidator.standard().validate(annotation.toString()).valid());
  }
}
