package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_ACCESS;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import com.google.type.Expr;
import dev.runwire.job.engine.RunContext;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAuthAccessStepTest {

  static final String SECRET = "projects/demo-project/secrets/visitor-cache-auth";
  static final String ACCESSOR = "roles/secretmanager.secretAccessor";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void reset() {
    harness.cloud.reset();
    harness.cloud.resetLog();
  }

  @Test
  void theDefaultComputeAccountGetsAccessToTheAuthSecretOnlyAndOtherBindingsStayExact() {
    harness.runSteps(request("apply"), REDIS_INSTANCE, REDIS_AUTH_SECRET);
    Binding conditional =
        Binding.newBuilder()
            .setRole("roles/secretmanager.viewer")
            .addMembers("user:auditor@example.com")
            .setCondition(
                Expr.newBuilder()
                    .setTitle("until-2030")
                    .setExpression("request.time < timestamp(\"2030-01-01T00:00:00Z\")"))
            .build();
    Policy before = policy();
    harness
        .clients
        .secrets()
        .setIamPolicy(
            SetIamPolicyRequest.newBuilder()
                .setResource(SECRET)
                .setPolicy(before.toBuilder().setVersion(3).addBindings(conditional))
                .build());
    String account = defaultAccount();
    harness.cloud.resetLog();

    StepOutcome outcome = run("apply");

    assertEquals(
        1,
        harness.cloud.requestLog().stream()
            .filter(
                r ->
                    r.method().equals("GET")
                        && r.path().equals("/compute/v1/projects/demo-project"))
            .count(),
        "projects.get once per run");
    assertEquals(Status.SUCCEEDED, outcome.status(), outcome::message);
    assertEquals(Action.UPDATE, outcome.action());
    assertEquals(account, defaultAccount());
    assertEquals(
        List.of(new FieldDiff("secretAccessor." + defaultAccount(), null, "granted")),
        outcome.diff());
    Policy after = policy();
    assertTrue(IamBindings.grants(after, ACCESSOR, defaultAccount()), after::toString);
    assertTrue(after.getBindingsList().contains(conditional), after::toString);
    assertEquals(2, after.getBindingsCount(), after::toString);
    assertEquals(defaultAccount(), outcome.outputs().get("runtimeServiceAccount"));
    assertTrue(
        harness.cloud.requestLog().stream()
            .filter(r -> r.path().endsWith(":getIamPolicy"))
            .allMatch(r -> String.valueOf(r.query()).contains("requestedPolicyVersion=3")),
        () -> "every IAM read asks for version 3: " + harness.cloud.requestLog());
    // Other secrets of the project are untouched: the grant is on this secret only.
    assertTrue(
        harness.mutations().stream().allMatch(r -> r.path().contains("visitor-cache-auth")),
        () -> "" + harness.mutations());
  }

  @Test
  void aSecondApplyMakesNoMutatingCall() {
    run("apply");
    harness.cloud.resetLog();

    StepOutcome outcome = run("apply");

    assertEquals(Action.NONE, outcome.action(), outcome::message);
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void aMissingBindingIsReportedInDriftCheck() {
    run("apply");
    revoke(defaultAccount());
    harness.cloud.resetLog();

    StepOutcome outcome = run("drift-check");

    assertEquals(Status.DRIFTED, outcome.status(), outcome::message);
    assertEquals(
        List.of(new FieldDiff("secretAccessor." + defaultAccount(), null, "granted")),
        outcome.diff());
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void destroyRevokesOnlyTheBindingRunwireAdded() {
    run("apply");
    grant("user:oncall@example.com");

    StepOutcome outcome = harness.runStep(REDIS_AUTH_ACCESS, request("destroy"));

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    Policy after = policy();
    assertFalse(IamBindings.grants(after, ACCESSOR, defaultAccount()), after::toString);
    assertTrue(IamBindings.grants(after, ACCESSOR, "user:oncall@example.com"), after::toString);
  }

  @Test
  void aBindingSomebodyElseMadeIsNeitherRecordedNorRevoked() {
    harness.runSteps(request("apply"), REDIS_INSTANCE, REDIS_AUTH_SECRET);
    grant(defaultAccount());

    StepOutcome applied = run("apply");
    StepOutcome destroyed = harness.runStep(REDIS_AUTH_ACCESS, request("destroy"));

    assertEquals(Action.NONE, applied.action(), applied::message);
    assertEquals(Action.NONE, destroyed.action(), destroyed::message);
    assertTrue(IamBindings.grants(policy(), ACCESSOR, defaultAccount()));
  }

  @Test
  void theServiceCanReadItsAuthSecretAfterTheGrant() {
    RunResult result =
        harness.runSteps(
            request("apply"),
            REDIS_INSTANCE,
            REDIS_AUTH_SECRET,
            REDIS_AUTH_ACCESS,
            CLOUD_RUN_SERVICE);

    StepOutcome service = result.outcome(CLOUD_RUN_SERVICE);
    assertEquals(Status.SUCCEEDED, service.status(), service::message);
  }

  /** A write in between (stale etag, 409 ABORTED) repeats read, change and write; both survive. */
  @Test
  void aStaleEtagRepeatsTheWholeReadChangeWrite() {
    harness.runSteps(request("apply"), REDIS_INSTANCE, REDIS_AUTH_SECRET);
    AtomicInteger sets = new AtomicInteger();
    IamBindings bindings =
        new IamBindings(
            SECRET,
            new IamBindings.PolicyStore() {
              @Override
              public Policy get(GetIamPolicyRequest r) {
                return harness.clients.secrets().getIamPolicy(r);
              }

              @Override
              public Policy set(SetIamPolicyRequest r) {
                if (sets.getAndIncrement() == 0) {
                  grant("user:concurrent@example.com"); // another writer gets there first
                }
                return harness.clients.secrets().setIamPolicy(r);
              }
            });
    RunContext run = new RunContext(request("apply"), "test-etag", harness.retry, harness.waits);

    assertTrue(
        bindings.grant(
            ACCESSOR,
            "serviceAccount:a@b.iam.gserviceaccount.com",
            run.startStep(REDIS_AUTH_ACCESS)));

    assertEquals(2, sets.get(), "the first write met a stale etag and was repeated");
    Policy after = policy();
    assertTrue(IamBindings.grants(after, ACCESSOR, "user:concurrent@example.com"), after::toString);
    assertTrue(
        IamBindings.grants(after, ACCESSOR, "serviceAccount:a@b.iam.gserviceaccount.com"),
        after::toString);
    assertTrue(
        harness.cloud.requestLog().stream()
            .anyMatch(r -> r.path().endsWith(":setIamPolicy") && r.status() == 409),
        () -> "" + harness.cloud.requestLog());
  }

  private static ProvisioningRequest request(String mode) {
    return Scenarios.onDefaultNetwork(
        mode, json -> json.getAsJsonObject("redis").addProperty("authEnabled", true));
  }

  private static StepOutcome run(String mode) {
    RunResult result =
        harness.runSteps(request(mode), REDIS_INSTANCE, REDIS_AUTH_SECRET, REDIS_AUTH_ACCESS);
    return result.outcome(REDIS_AUTH_ACCESS);
  }

  private static String defaultAccount() {
    return "serviceAccount:"
        + harness.clients.projects().get(Scenarios.PROJECT).getDefaultServiceAccount();
  }

  private static Policy policy() {
    return harness.clients.secrets().getIamPolicy(IamBindings.readRequest(SECRET));
  }

  private static void grant(String member) {
    Policy p = policy();
    harness
        .clients
        .secrets()
        .setIamPolicy(
            SetIamPolicyRequest.newBuilder()
                .setResource(SECRET)
                .setPolicy(IamBindings.with(p, ACCESSOR, member, true))
                .build());
  }

  private static void revoke(String member) {
    Policy p = policy();
    harness
        .clients
        .secrets()
        .setIamPolicy(
            SetIamPolicyRequest.newBuilder()
                .setResource(SECRET)
                .setPolicy(IamBindings.with(p, ACCESSOR, member, false))
                .build());
  }
}
