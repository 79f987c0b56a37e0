package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.PROBE_JOB;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_ACCESS;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Job;
import dev.runwire.emulator.core.NetworkLog;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Verify runs the probe job (the service's vpcAccess, service account and Redis env) in the local
 * cloud, whose network decides per connection like Google's: the job itself never connects.
 */
class VerifyStepTest {

  static final String PROBE_JOB_NAME =
      "projects/demo-project/locations/europe-west1/jobs/runwire-probe-visitor-counter";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void reset() {
    harness.cloud.reset();
  }

  @Test
  void verifyRunsTheProbeJobOnTheServicesPathAndCounts() {
    RunResult result =
        harness.runSteps(
            Scenarios.onDefaultNetwork("apply", json -> {}),
            REDIS_INSTANCE,
            CLOUD_RUN_SERVICE,
            PROBE_JOB,
            VERIFY);

    StepOutcome verify = result.outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
    assertTrue(verify.message().contains("from the service's own network path"), verify.message());
    NetworkLog.Decision d = lastDecision();
    assertTrue(d.allowed(), d.describe());
    assertTrue(
        d.workload().startsWith("job task " + PROBE_JOB_NAME + "/executions/"), d.workload());
    Instance instance = harness.clients.redis().getInstance(Scenarios.INSTANCE);
    assertEquals(instance.getHost(), verify.outputs().get("redisHost"));
    assertEquals(
        result.outcome(CLOUD_RUN_SERVICE).outputs().get("serviceUrl"),
        verify.outputs().get("serviceUrl"));
    try (Jedis jedis = new Jedis(instance.getHost(), instance.getPort())) {
      assertEquals("1", jedis.get("runwire:verify:visitor-counter"));
    }

    Job probe = harness.clients.jobs().getJob(PROBE_JOB_NAME);
    var service = harness.clients.services().getService(Scenarios.SERVICE);
    assertEquals("runwire", probe.getLabelsMap().get("managed-by"));
    assertEquals(
        service.getTemplate().getVpcAccess(), probe.getTemplate().getTemplate().getVpcAccess());
    assertEquals(
        service.getTemplate().getServiceAccount(),
        probe.getTemplate().getTemplate().getServiceAccount());
    assertEquals(
        "local/runwire-job", probe.getTemplate().getTemplate().getContainers(0).getImage());
    assertEquals(
        List.of("probe"), probe.getTemplate().getTemplate().getContainers(0).getArgsList());
  }

  @Test
  void verifyAuthenticatesWithTheSecretTheServiceUsesAndNamesAWrongOne() {
    var request =
        Scenarios.onDefaultNetwork(
            "apply", json -> json.getAsJsonObject("redis").addProperty("authEnabled", true));
    RunResult result =
        harness.runSteps(
            request,
            REDIS_INSTANCE,
            REDIS_AUTH_SECRET,
            REDIS_AUTH_ACCESS,
            CLOUD_RUN_SERVICE,
            PROBE_JOB,
            VERIFY);

    StepOutcome verify = result.outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
    assertTrue(verify.message().contains("AUTH"), verify.message());
    String auth = harness.clients.redis().getInstanceAuthString(Scenarios.INSTANCE).getAuthString();
    assertFalse(verify.message().contains(auth));

    // The secret goes stale (as after an AUTH rotation): the probe is refused, verify says why.
    harness
        .clients
        .secrets()
        .addSecretVersion(
            "projects/demo-project/secrets/visitor-cache-auth",
            com.google.cloud.secretmanager.v1.SecretPayload.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8("not-the-auth-string"))
                .build());
    StepOutcome stale =
        harness
            .runSteps(request, REDIS_INSTANCE, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY)
            .outcome(VERIFY);
    assertEquals(Status.FAILED, stale.status(), stale::message);
    assertEquals(Reasons.VERIFY_FAILED, stale.error().code());
    assertTrue(stale.message().contains("probe exit 12 AUTH"), stale.message());
    assertTrue(stale.message().contains("AUTH: the network path works"), stale.message());
    assertFalse(stale.message().contains(auth));
    assertFalse(stale.message().contains("not-the-auth-string"));

    StepOutcome fixed =
        harness
            .runSteps(
                request, REDIS_INSTANCE, REDIS_AUTH_SECRET, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY)
            .outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, fixed.status(), fixed::message);
  }

  @Test
  void unwiredServiceFailsVerifyWithNoVpcEgressThenApplyFixesIt() throws Exception {
    var request = Scenarios.onDefaultNetwork("apply", json -> {});
    assertEquals(
        Status.SUCCEEDED,
        harness
            .runSteps(request, REDIS_INSTANCE, CLOUD_RUN_SERVICE)
            .outcome(CLOUD_RUN_SERVICE)
            .status());
    // Someone removes the service's VPC access by hand; REDIS_HOST stays set.
    var service = harness.clients.services().getService(Scenarios.SERVICE);
    harness
        .clients
        .services()
        .updateServiceAsync(
            service.toBuilder()
                .setTemplate(service.getTemplate().toBuilder().clearVpcAccess().clearRevision())
                .build())
        .get();

    StepOutcome blocked =
        harness.runSteps(request, REDIS_INSTANCE, PROBE_JOB, VERIFY).outcome(VERIFY);
    assertEquals(Status.FAILED, blocked.status(), blocked::message);
    assertTrue(blocked.message().contains("NO_VPC_EGRESS"), blocked.message());
    assertFalse(lastDecision().allowed());

    StepOutcome fixed = applyAndVerify(request);
    assertEquals(Status.SUCCEEDED, fixed.status(), fixed::message);
  }

  @Test
  void planNeverRunsTheProbe() {
    harness.runSteps(
        Scenarios.onDefaultNetwork("apply", json -> {}), REDIS_INSTANCE, CLOUD_RUN_SERVICE);
    int before = harness.cloud.requestLog().size();
    RunResult plan =
        harness.runSteps(
            Scenarios.onDefaultNetwork("plan", json -> {}),
            REDIS_INSTANCE,
            CLOUD_RUN_SERVICE,
            PROBE_JOB,
            VERIFY);

    assertEquals(Status.SUCCEEDED, plan.outcome(VERIFY).status(), plan.outcome(VERIFY)::message);
    assertTrue(
        harness.cloud.requestLog().subList(before, harness.cloud.requestLog().size()).stream()
            .noneMatch(r -> r.path().endsWith(":run")),
        "plan started an execution");
    assertTrue(
        plan.outcome(PROBE_JOB).message().contains("create"), plan.outcome(PROBE_JOB).message());
  }

  /** What apply runs for a default-network Direct VPC request, from the instance to verify. */
  static StepOutcome applyAndVerify(dev.runwire.schemas.ProvisioningRequest request) {
    return applyAndVerify(harness, request);
  }

  static StepOutcome applyAndVerify(
      CloudHarness harness, dev.runwire.schemas.ProvisioningRequest request) {
    return harness
        .runSteps(request, REDIS_INSTANCE, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY)
        .outcome(VERIFY);
  }

  static NetworkLog.Decision lastDecision() {
    return lastDecision(harness);
  }

  static NetworkLog.Decision lastDecision(CloudHarness harness) {
    List<NetworkLog.Decision> all = harness.cloud.networkLog();
    assertFalse(all.isEmpty(), "no connection was decided");
    return all.get(all.size() - 1);
  }
}
