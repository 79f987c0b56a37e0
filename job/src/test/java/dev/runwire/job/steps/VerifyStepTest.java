package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_ACCESS;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.redis.v1.Instance;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.events.StepEvent.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class VerifyStepTest {

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
  }

  @Test
  void verifyPingsAndCountsOnTheWiredRedisAndReportsTheOutputs() {
    RunResult result =
        harness.runSteps(
            Scenarios.onDefaultNetwork("apply", json -> {}),
            REDIS_INSTANCE,
            CLOUD_RUN_SERVICE,
            VERIFY);

    StepOutcome verify = result.outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
    assertTrue(verify.message().contains("= 1"), verify.message());
    Instance instance = harness.clients.redis().getInstance(Scenarios.INSTANCE);
    assertEquals(instance.getHost(), verify.outputs().get("redisHost"));
    assertEquals(String.valueOf(instance.getPort()), verify.outputs().get("redisPort"));
    assertEquals(
        result.outcome(CLOUD_RUN_SERVICE).outputs().get("serviceUrl"),
        verify.outputs().get("serviceUrl"));
    try (Jedis jedis = new Jedis(instance.getHost(), instance.getPort())) {
      assertEquals("1", jedis.get("runwire:verify:visitor-counter"));
    }
  }

  @Test
  void verifyAuthenticatesWithTheSecretTheServiceUses() {
    RunResult result =
        harness.runSteps(
            Scenarios.onDefaultNetwork(
                "apply", json -> json.getAsJsonObject("redis").addProperty("authEnabled", true)),
            REDIS_INSTANCE,
            REDIS_AUTH_SECRET,
            REDIS_AUTH_ACCESS,
            CLOUD_RUN_SERVICE,
            VERIFY);

    StepOutcome verify = result.outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
    assertTrue(verify.message().contains("AUTH"), verify.message());
    String auth = harness.clients.redis().getInstanceAuthString(Scenarios.INSTANCE).getAuthString();
    assertFalse(verify.message().contains(auth));
  }

  @Test
  void unreachableRedisFailsVerifyWithTheAddress() {
    RunResult first =
        harness.runSteps(
            Scenarios.onDefaultNetwork("apply", json -> {}), REDIS_INSTANCE, CLOUD_RUN_SERVICE);
    assertEquals(Status.SUCCEEDED, first.outcome(CLOUD_RUN_SERVICE).status());
    Instance instance = harness.clients.redis().getInstance(Scenarios.INSTANCE);
    // Point the instance at a port nothing listens on, as if the network path were broken.
    harness.cloud.changeOutOfBand(Scenarios.INSTANCE, "{\"port\":1}");

    harness.stepTimeout(Duration.ofSeconds(2));
    StepOutcome verify;
    try {
      verify =
          harness
              .runSteps(Scenarios.onDefaultNetwork("apply", json -> {}), REDIS_INSTANCE, VERIFY)
              .outcome(VERIFY);
    } finally {
      harness.stepTimeout(Duration.ofSeconds(60));
    }

    assertEquals(Status.FAILED, verify.status());
    assertEquals(Reasons.VERIFY_FAILED, verify.error().code());
    assertTrue(verify.message().contains(instance.getHost() + ":1"), verify.message());
  }
}
