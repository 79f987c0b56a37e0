package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_ACCESS;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.VpcAccess.VpcEgress;
import com.google.gson.JsonObject;
import com.google.iam.v1.GetIamPolicyRequest;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CloudRunServiceStepTest {

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void reset() {
    harness.cloud.reset();
    harness.cloud.resetLog();
  }

  @Test
  void absentServiceWithAnImageIsCreatedWired() {
    StepOutcome outcome = run("apply", json -> {});

    assertEquals(Action.CREATE, outcome.action(), outcome::message);
    Service service = service();
    Map<String, String> env = env(service);
    assertEquals(redisHost(), env.get("REDIS_HOST"));
    assertEquals(String.valueOf(redisPort()), env.get("REDIS_PORT"));
    assertEquals(VpcEgress.ALL_TRAFFIC, service.getTemplate().getVpcAccess().getEgress());
    assertEquals(
        "default", service.getTemplate().getVpcAccess().getNetworkInterfaces(0).getSubnetwork());
    assertEquals("", service.getTemplate().getVpcAccess().getConnector());
    assertEquals("runwire", service.getLabelsMap().get("managed-by"));
    assertTrue(
        service
            .getAnnotationsMap()
            .get("runwire.dev/last-applied")
            .contains("\"visitor-counter\""));
    assertEquals(service.getUri(), outcome.outputs().get("serviceUrl"));
  }

  @Test
  void absentServiceWithoutAnImageIsAClearFailure() {
    StepOutcome outcome = run("apply", json -> json.getAsJsonObject("service").remove("image"));

    assertEquals(Status.FAILED, outcome.status());
    assertEquals(Reasons.SERVICE_NOT_FOUND, outcome.error().code());
    assertTrue(outcome.message().contains("set service.image"), outcome.message());
  }

  @Test
  void unchangedServiceMakesNoMutatingCall() {
    run("apply", json -> {});
    harness.cloud.resetLog();

    StepOutcome outcome = run("apply", json -> {});

    assertEquals(Action.NONE, outcome.action(), () -> outcome.message() + " " + outcome.diff());
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void existingServiceKeepsEverythingRunwireDoesNotManage() throws Exception {
    Service existing =
        Service.newBuilder()
            .setTemplate(
                RevisionTemplate.newBuilder()
                    .setScaling(RevisionScaling.newBuilder().setMaxInstanceCount(7))
                    .addContainers(
                        Container.newBuilder()
                            .setImage("example/app:1")
                            .addEnv(EnvVar.newBuilder().setName("FEATURE").setValue("on"))))
            .putLabels("team", "web")
            .build();
    harness
        .clients
        .services()
        .createServiceAsync(
            "projects/demo-project/locations/europe-west1", existing, "visitor-counter")
        .get();

    StepOutcome outcome = run("apply", json -> json.getAsJsonObject("service").remove("image"));

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    Service service = service();
    assertEquals("example/app:1", service.getTemplate().getContainers(0).getImage());
    assertEquals("on", env(service).get("FEATURE"));
    assertEquals(redisHost(), env(service).get("REDIS_HOST"));
    assertEquals(7, service.getTemplate().getScaling().getMaxInstanceCount());
    assertEquals("web", service.getLabelsMap().get("team"));
  }

  /**
   * Direct VPC egress carries the network tag runwire-SERVICE (Cloud Run v2 NetworkInterface.tags):
   * the EGRESS allow the firewall step makes above a blocking deny targets that tag, so a service
   * without it would stay blocked. A service wired before it had the tag drifts and apply adds it.
   */
  @Test
  void directVpcInterfaceCarriesTheTagTheEgressAllowTargets() {
    run("apply", json -> {});
    var wired = service().getTemplate().getVpcAccess().getNetworkInterfaces(0);
    assertEquals(List.of(EgressFirewallStep.directVpcTag("visitor-counter")), wired.getTagsList());
    harness.cloud.changeOutOfBand(
        Scenarios.SERVICE,
        "{\"template\":{\"vpcAccess\":{\"networkInterfaces\":[{\"network\":\""
            + wired.getNetwork()
            + "\",\"subnetwork\":\""
            + wired.getSubnetwork()
            + "\"}]}}}");
    assertEquals(0, service().getTemplate().getVpcAccess().getNetworkInterfaces(0).getTagsCount());
    harness.cloud.resetLog();

    StepOutcome drift = run("drift-check", json -> {});

    assertEquals(Status.DRIFTED, drift.status());
    assertEquals("networkInterfaces", drift.diff().get(0).field(), drift.diff()::toString);
    assertEquals(List.of(), harness.mutations());

    StepOutcome applied = run("apply", json -> {});

    assertEquals(Action.UPDATE, applied.action(), applied::message);
    assertEquals(
        List.of("runwire-visitor-counter"),
        service().getTemplate().getVpcAccess().getNetworkInterfaces(0).getTagsList());
  }

  @Test
  void driftedEgressIsUpdatedInApplyAndReportedInDriftCheck() {
    run("apply", json -> {});
    harness.cloud.changeOutOfBand(
        Scenarios.SERVICE, "{\"template\":{\"vpcAccess\":{\"egress\":\"PRIVATE_RANGES_ONLY\"}}}");
    harness.cloud.resetLog();

    StepOutcome drift = run("drift-check", json -> {});

    assertEquals(Status.DRIFTED, drift.status());
    assertEquals("vpcEgress", drift.diff().get(0).field());
    assertEquals(List.of(), harness.mutations());

    StepOutcome applied = run("apply", json -> {});

    assertEquals(Action.UPDATE, applied.action(), applied::message);
    assertEquals(VpcEgress.ALL_TRAFFIC, service().getTemplate().getVpcAccess().getEgress());
  }

  @Test
  void authStringReachesTheServiceOnlyAsASecretReference() {
    ProvisioningRequest request =
        request("apply", json -> json.getAsJsonObject("redis").addProperty("authEnabled", true));

    RunResult result =
        harness.runSteps(
            request, REDIS_INSTANCE, REDIS_AUTH_SECRET, REDIS_AUTH_ACCESS, CLOUD_RUN_SERVICE);

    assertEquals(
        Status.SUCCEEDED,
        result.outcome(CLOUD_RUN_SERVICE).status(),
        result.outcome(CLOUD_RUN_SERVICE).message());
    EnvVar auth =
        service().getTemplate().getContainers(0).getEnvList().stream()
            .filter(e -> e.getName().equals("REDIS_AUTH"))
            .findFirst()
            .orElseThrow();
    assertEquals("", auth.getValue());
    assertEquals("visitor-cache-auth", auth.getValueSource().getSecretKeyRef().getSecret());
    assertEquals("latest", auth.getValueSource().getSecretKeyRef().getVersion());
  }

  @Test
  void allowUnauthenticatedGrantsAllUsersTheInvokerRoleOnce() {
    Consumer<JsonObject> open =
        json -> json.getAsJsonObject("service").addProperty("allowUnauthenticated", true);
    run("apply", open);

    assertTrue(
        harness
            .clients
            .services()
            .getIamPolicy(GetIamPolicyRequest.newBuilder().setResource(Scenarios.SERVICE).build())
            .getBindingsList()
            .stream()
            .anyMatch(
                b ->
                    b.getRole().equals("roles/run.invoker")
                        && b.getMembersList().contains("allUsers")));
    harness.cloud.resetLog();

    StepOutcome again = run("apply", open);

    assertEquals(Action.NONE, again.action(), () -> again.diff().toString());
    assertEquals(List.of(), harness.mutations());
  }

  /**
   * IAM reads ask for policy version 3: a conditional binding read at version 1 comes back as a
   * {@code _withcond_} stand-in that cannot be written back (IAM docs, "Policy versions").
   */
  @Test
  void aConditionalInvokerBindingIsKeptExactlyWhenAllUsersIsAdded() {
    run("apply", json -> {});
    com.google.iam.v1.Binding conditional =
        com.google.iam.v1.Binding.newBuilder()
            .setRole("roles/run.invoker")
            .addMembers("group:partners@example.com")
            .setCondition(
                com.google.type.Expr.newBuilder()
                    .setTitle("office-hours")
                    .setExpression("request.time.getHours(\"Europe/Berlin\") < 18"))
            .build();
    harness
        .clients
        .services()
        .setIamPolicy(
            com.google.iam.v1.SetIamPolicyRequest.newBuilder()
                .setResource(Scenarios.SERVICE)
                .setPolicy(
                    com.google.iam.v1.Policy.newBuilder().setVersion(3).addBindings(conditional))
                .build());

    StepOutcome outcome =
        run(
            "apply",
            json -> json.getAsJsonObject("service").addProperty("allowUnauthenticated", true));

    assertEquals(Status.SUCCEEDED, outcome.status(), outcome::message);
    com.google.iam.v1.Policy after =
        harness.clients.services().getIamPolicy(IamBindings.readRequest(Scenarios.SERVICE));
    assertTrue(after.getBindingsList().contains(conditional), after::toString);
    assertTrue(IamBindings.grants(after, "roles/run.invoker", "allUsers"), after::toString);
  }

  @Test
  void destroyRestoresTheServiceInsteadOfDeletingIt() {
    run("apply", json -> {});

    StepOutcome outcome =
        harness
            .runSteps(request("destroy", json -> {}), CLOUD_RUN_SERVICE)
            .outcome(CLOUD_RUN_SERVICE);

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    Service service = service();
    assertFalse(
        service.getTemplate().hasVpcAccess()
            && !service.getTemplate().getVpcAccess().getNetworkInterfacesList().isEmpty());
    assertFalse(env(service).containsKey("REDIS_HOST"));
    assertFalse(service.getLabelsMap().containsKey("managed-by"));
    assertFalse(service.getAnnotationsMap().containsKey("runwire.dev/last-applied"));
  }

  /**
   * A failed reconciliation keeps the last serving revision's observedGeneration (service.proto,
   * "reconciling"): the step reads the FAILED terminal condition before it compares generations, so
   * apply and destroy after a failed deploy end at once instead of at the step timeout.
   */
  @Test
  void afterAFailedDeployApplyAndDestroyEndWithinSeconds() {
    Consumer<JsonObject> auth =
        json -> json.getAsJsonObject("redis").addProperty("authEnabled", true);
    // No redis-auth-access step: the runtime account cannot read the secret, Cloud Run fails the
    // first revision (a new service: observedGeneration stays empty).
    RunResult failed =
        harness.runSteps(
            request("apply", auth), REDIS_INSTANCE, REDIS_AUTH_SECRET, CLOUD_RUN_SERVICE);
    assertEquals(Status.FAILED, failed.outcome(CLOUD_RUN_SERVICE).status());
    Service broken = service();
    assertFalse(broken.getReconciling());
    assertTrue(broken.getObservedGeneration() < broken.getGeneration(), broken::toString);
    harness.stepTimeout(java.time.Duration.ofSeconds(30));
    try {
      long start = System.nanoTime();
      StepOutcome apply =
          harness
              .runSteps(
                  request("apply", auth), REDIS_INSTANCE, REDIS_AUTH_SECRET, CLOUD_RUN_SERVICE)
              .outcome(CLOUD_RUN_SERVICE);
      double applySeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      StepOutcome destroy =
          harness.runSteps(request("destroy", auth), CLOUD_RUN_SERVICE).outcome(CLOUD_RUN_SERVICE);
      double destroySeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "after a failed deploy: apply %.2f s, destroy %.2f s%n", applySeconds, destroySeconds);

      assertEquals(Status.FAILED, apply.status(), apply::message);
      assertTrue(apply.message().contains("Permission denied on secret"), apply::message);
      assertTrue(applySeconds < 10, "apply took " + applySeconds + " s");
      assertEquals(Status.SUCCEEDED, destroy.status(), destroy::message);
      assertTrue(destroySeconds < 10, "destroy took " + destroySeconds + " s");
    } finally {
      harness.stepTimeout(java.time.Duration.ofSeconds(60));
    }
  }

  /**
   * Cloud Run does not try a failed template again by itself, and an unchanged template makes no
   * new revision: once the cause is fixed (here the secret grant), apply deploys it again.
   */
  @Test
  void aFailedRevisionIsDeployedAgainOnceTheCauseIsFixed() {
    Consumer<JsonObject> auth =
        json -> json.getAsJsonObject("redis").addProperty("authEnabled", true);
    RunResult failed =
        harness.runSteps(
            request("apply", auth), REDIS_INSTANCE, REDIS_AUTH_SECRET, CLOUD_RUN_SERVICE);
    assertEquals(Status.FAILED, failed.outcome(CLOUD_RUN_SERVICE).status());

    RunResult fixed =
        harness.runSteps(
            request("apply", auth),
            REDIS_INSTANCE,
            REDIS_AUTH_SECRET,
            REDIS_AUTH_ACCESS,
            CLOUD_RUN_SERVICE);

    StepOutcome service = fixed.outcome(CLOUD_RUN_SERVICE);
    assertEquals(Status.SUCCEEDED, service.status(), service::message);
    assertEquals(Action.UPDATE, service.action());
    assertTrue(
        service.diff().stream().anyMatch(d -> d.field().equals("latestRevision")),
        () -> "" + service.diff());
    Service now = service();
    assertEquals(now.getGeneration(), now.getObservedGeneration());
    assertEquals(now.getLatestCreatedRevision(), now.getLatestReadyRevision());
  }

  private static StepOutcome run(String mode, Consumer<JsonObject> edit) {
    RunResult result = harness.runSteps(request(mode, edit), REDIS_INSTANCE, CLOUD_RUN_SERVICE);
    assertEquals(
        Status.SUCCEEDED,
        result.outcome(REDIS_INSTANCE).status(),
        result.outcome(REDIS_INSTANCE).message());
    return result.outcome(CLOUD_RUN_SERVICE);
  }

  private static ProvisioningRequest request(String mode, Consumer<JsonObject> edit) {
    return Scenarios.onDefaultNetwork(mode, edit);
  }

  private static Service service() {
    return harness.clients.services().getService(Scenarios.SERVICE);
  }

  private static Map<String, String> env(Service service) {
    return service.getTemplate().getContainers(0).getEnvList().stream()
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String redisHost() {
    return harness.clients.redis().getInstance(Scenarios.INSTANCE).getHost();
  }

  private static int redisPort() {
    return harness.clients.redis().getInstance(Scenarios.INSTANCE).getPort();
  }
}
