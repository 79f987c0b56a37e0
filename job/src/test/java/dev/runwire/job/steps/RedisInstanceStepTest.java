package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisInstanceStepTest {

  static final String INSTANCE =
      "projects/demo-project/locations/europe-west1/instances/visitor-cache";

  static CloudHarness harness;

  @BeforeAll
  static void start() {
    harness = new CloudHarness();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.cloud.reset();
    harness.cloud.resetLog();
  }

  @Test
  void absentRedisIsCreatedAndReportsItsAddress() {
    StepOutcome outcome = apply(r -> {});

    assertEquals(Status.SUCCEEDED, outcome.status(), outcome::message);
    assertEquals(Action.CREATE, outcome.action());
    assertEquals("127.0.0.1", outcome.outputs().get("redisHost"));
    assertTrue(Integer.parseInt(outcome.outputs().get("redisPort")) > 0);
    assertEquals(1, harness.mutations().size(), () -> "mutations: " + harness.mutations());
  }

  @Test
  void unchangedRedisMakesNoMutatingCall() {
    apply(r -> {});
    harness.cloud.resetLog();

    StepOutcome outcome = apply(r -> {});

    assertEquals(Action.NONE, outcome.action(), outcome::message);
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void driftedMemorySizeIsUpdatedInApply() {
    apply(r -> {});
    harness.cloud.changeOutOfBand(INSTANCE, "{\"memorySizeGb\":3}");
    harness.cloud.resetLog();

    StepOutcome outcome = apply(r -> {});

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    assertEquals(List.of(new FieldDiff("memorySizeGb", "3", "1")), outcome.diff());
    assertEquals(1, harness.mutations().size());
    assertEquals("PATCH", harness.mutations().get(0).method());
  }

  @Test
  void driftedMemorySizeIsReportedInDriftCheckWithoutMutating() {
    apply(r -> {});
    harness.cloud.changeOutOfBand(INSTANCE, "{\"memorySizeGb\":3}");
    harness.cloud.resetLog();

    StepOutcome outcome = run("drift-check", r -> {});

    assertEquals(Status.DRIFTED, outcome.status());
    assertEquals(List.of(new FieldDiff("memorySizeGb", "3", "1")), outcome.diff());
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void tierChangeIsRefusedAsAReplacement() {
    apply(r -> {});
    harness.cloud.resetLog();

    StepOutcome outcome = apply(r -> r.getAsJsonObject("redis").addProperty("tier", "STANDARD_HA"));

    assertEquals(Status.FAILED, outcome.status());
    assertEquals(Reasons.NEEDS_REPLACEMENT, outcome.error().code());
    assertTrue(outcome.message().contains("tier"), outcome.message());
    assertTrue(outcome.message().contains("does not replace"), outcome.message());
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void destroyKeepsRedisUnlessDataLossIsAllowed() {
    apply(r -> {});
    harness.cloud.resetLog();

    StepOutcome kept = run("destroy", r -> {});

    assertEquals(Action.NONE, kept.action());
    assertTrue(kept.message().contains("allowDataLoss"), kept.message());
    assertEquals(List.of(), harness.mutations());

    StepOutcome deleted = run("destroy", r -> r.addProperty("allowDataLoss", true));

    assertEquals(Action.DELETE, deleted.action(), deleted::message);
    assertFalse(
        harness
            .inventory()
            .redisInstance("demo-project", "europe-west1", "visitor-cache")
            .isPresent());
  }

  private static StepOutcome apply(Consumer<JsonObject> edit) {
    return run("apply", edit);
  }

  private static StepOutcome run(String mode, Consumer<JsonObject> edit) {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("target").addProperty("network", "default");
    json.addProperty("mode", mode);
    edit.accept(json);
    ProvisioningRequest request = TestRequests.of(json);
    return harness.runStep(StepKind.REDIS_INSTANCE, request);
  }
}
