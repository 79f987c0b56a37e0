package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloudRunServiceStepTest {

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
        harness.runSteps(request, REDIS_INSTANCE, REDIS_AUTH_SECRET, CLOUD_RUN_SERVICE);

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
