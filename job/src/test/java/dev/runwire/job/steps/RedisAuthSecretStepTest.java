package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAuthSecretStepTest {

  static final String SECRET = "projects/demo-project/secrets/visitor-cache-auth";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void reset() {
    harness.cloud.reset();
    harness.cloud.resetLog();
  }

  @Test
  void absentSecretIsCreatedHoldingTheInstanceAuthString() {
    StepOutcome outcome = run("apply");

    assertEquals(Action.CREATE, outcome.action(), outcome::message);
    assertEquals(authString(), latestPayload());
    assertNoSecretIn(outcome);
  }

  @Test
  void currentSecretMakesNoMutatingCall() {
    run("apply");
    harness.cloud.resetLog();

    StepOutcome outcome = run("apply");

    assertEquals(Action.NONE, outcome.action(), outcome::message);
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void staleLatestVersionGetsANewVersionInApply() {
    run("apply");
    addVersion("not-the-auth-string");
    harness.cloud.resetLog();

    StepOutcome outcome = run("apply");

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    assertEquals(List.of(new FieldDiff("latestVersion", "stale", "current")), outcome.diff());
    assertEquals(authString(), latestPayload());
    assertEquals(1, harness.mutations().size(), () -> "mutations: " + harness.mutations());
    assertNoSecretIn(outcome);
  }

  @Test
  void staleLatestVersionIsReportedInDriftCheck() {
    run("apply");
    addVersion("not-the-auth-string");
    harness.cloud.resetLog();

    StepOutcome outcome = run("drift-check");

    assertEquals(Status.DRIFTED, outcome.status());
    assertEquals(List.of(), harness.mutations());
    assertNoSecretIn(outcome);
  }

  /**
   * One transient fault in the middle of a step (the AUTH string read, after the secret was
   * created) repeats that one call: the secret is not created again, nothing before it is re-read.
   */
  @Test
  void aFaultMidStepRetriesOnlyThatCall() {
    run("apply");
    harness.clients.secrets().deleteSecret(SECRET);
    harness.cloud.resetLog();
    harness.cloud.faults().failNext("redis", 1);

    StepOutcome outcome = harness.runStep(REDIS_AUTH_SECRET, request("apply"));

    assertEquals(Action.CREATE, outcome.action(), outcome::message);
    List<String> calls =
        harness.cloud.requestLog().stream()
            .map(r -> r.method() + " " + r.path() + " " + r.status())
            .toList();
    String authRead = "GET /v1/" + Scenarios.INSTANCE + "/authString";
    assertEquals(
        List.of(
            "GET /v1/" + SECRET + " 404",
            "POST /v1/projects/demo-project/secrets 200",
            authRead + " 503",
            authRead + " 200",
            "POST /v1/" + SECRET + ":addVersion 200"),
        calls.subList(0, 5),
        () -> "calls: " + calls);
    assertEquals(1, calls.stream().filter(c -> c.endsWith(" 503")).count(), () -> "" + calls);
    assertEquals(authString(), latestPayload());
  }

  private static ProvisioningRequest request(String mode) {
    return Scenarios.onDefaultNetwork(
        mode, json -> json.getAsJsonObject("redis").addProperty("authEnabled", true));
  }

  private static StepOutcome run(String mode) {
    ProvisioningRequest request =
        Scenarios.onDefaultNetwork(
            mode, json -> json.getAsJsonObject("redis").addProperty("authEnabled", true));
    RunResult result = harness.runSteps(request, REDIS_INSTANCE, REDIS_AUTH_SECRET);
    assertEquals(
        Status.SUCCEEDED,
        result.outcome(REDIS_INSTANCE).status(),
        result.outcome(REDIS_INSTANCE).message());
    return result.outcome(REDIS_AUTH_SECRET);
  }

  private static String authString() {
    return harness.clients.redis().getInstanceAuthString(Scenarios.INSTANCE).getAuthString();
  }

  private static String latestPayload() {
    return harness
        .clients
        .secrets()
        .accessSecretVersion(SECRET + "/versions/latest")
        .getPayload()
        .getData()
        .toStringUtf8();
  }

  private static void addVersion(String value) {
    harness
        .clients
        .secrets()
        .addSecretVersion(
            SECRET, SecretPayload.newBuilder().setData(ByteString.copyFromUtf8(value)).build());
  }

  private static void assertNoSecretIn(StepOutcome outcome) {
    String auth = authString();
    assertFalse(auth.isEmpty());
    assertFalse(
        MessageCodec.toJson(outcome).contains(auth), "the AUTH string leaked into the outcome");
    assertFalse(String.valueOf(outcome.message()).contains(auth));
  }
}
