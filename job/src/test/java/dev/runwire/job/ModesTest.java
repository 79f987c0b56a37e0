package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.TestRequests;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** plan, drift-check and destroy over whole requests, and failures that stop one branch. */
class ModesTest {

  static final String PROJECT = FullApplyTest.PROJECT;
  static final String REGION = FullApplyTest.REGION;
  static final String SERVICE =
      "projects/demo-project/locations/europe-west1/services/visitor-counter";
  static final String INSTANCE =
      "projects/demo-project/locations/europe-west1/instances/visitor-cache";

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void start() {
    cloud = JobRunTest.startCloud();
    clients = FullApplyTest.clientsOf(cloud);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @BeforeEach
  void freshProjectWithACustomNetwork() throws Exception {
    cloud.reset();
    FullApplyTest.createCustomNetwork(clients, "runwire-net");
    cloud.resetLog();
  }

  @Test
  void planOnAnEmptyProjectShowsEveryCreateAndMutatesNothing() {
    JobOutput plan = new JobOutput();

    assertEquals(
        ExitCode.OK.code(), run("plan", TestRequests.directVpcJson(true), plan), plan.stderr());

    assertEquals(List.of(), JobRunTest.mutations(cloud));
    for (String step :
        List.of("egress-subnet", "redis-instance", "static-address", "cloud-router", "cloud-nat")) {
      JsonObject end = JobRunTest.stepEnd(plan, step);
      assertEquals("create", end.get("action").getAsString(), step);
      assertEquals("would create", end.get("message").getAsString(), step);
    }
    // Redis has no range yet: whether an EGRESS allow is needed is decided once it has.
    assertEquals("none", JobRunTest.stepEnd(plan, "firewall").get("action").getAsString());
    JsonObject service = JobRunTest.stepEnd(plan, "cloud-run-service");
    assertTrue(service.toString().contains("(known after apply)"), service.toString());
  }

  @Test
  void planAfterApplyFindsNothingToDo() {
    assertEquals(
        ExitCode.OK.code(), run("apply", TestRequests.directVpcJson(true), new JobOutput()));
    cloud.resetLog();
    JobOutput plan = new JobOutput();

    assertEquals(ExitCode.OK.code(), run("plan", TestRequests.directVpcJson(true), plan));

    assertEquals(List.of(), JobRunTest.mutations(cloud));
    JsonObject counts = plan.events("dev.runwire.run.v1").get(0).getAsJsonObject("counts");
    assertEquals(
        counts.get("steps").getAsInt(), counts.get("unchanged").getAsInt(), counts.toString());
  }

  @Test
  void driftCheckReportsOutOfBandChangesExitsThreeAndApplyCorrectsThem() {
    JsonObject request = TestRequests.directVpcJson(false);
    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
    cloud.changeOutOfBand(INSTANCE, "{\"memorySizeGb\":4}");
    cloud.changeOutOfBand(
        SERVICE, "{\"template\":{\"vpcAccess\":{\"egress\":\"PRIVATE_RANGES_ONLY\"}}}");
    cloud.resetLog();
    JobOutput drift = new JobOutput();

    assertEquals(ExitCode.DRIFT.code(), run("drift-check", request, drift), drift.stderr());

    assertEquals(List.of(), JobRunTest.mutations(cloud));
    assertEquals(Set.of("redis-instance", "cloud-run-service"), drifted(drift));
    assertEquals("drifted", drift.events("dev.runwire.run.v1").get(0).get("status").getAsString());
    JobRunTest.assertEventsMatchTheirSchemas(drift);

    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
    JobOutput again = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("drift-check", request, again));
    assertEquals(Set.of(), drifted(again));
  }

  @Test
  void driftFoundUnderCloudRunIsASuccessfulTaskWhoseRunEventSaysDrifted() {
    JsonObject request = TestRequests.directVpcJson(false);
    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
    cloud.changeOutOfBand(INSTANCE, "{\"memorySizeGb\":4}");
    cloud.changeOutOfBand(
        SERVICE, "{\"template\":{\"vpcAccess\":{\"egress\":\"PRIVATE_RANGES_ONLY\"}}}");
    JsonObject check = request.deepCopy();
    check.addProperty("mode", "drift-check");
    JobOutput drift = new JobOutput();

    // Cloud Run sets CLOUD_RUN_EXECUTION in every task; exit 3 would make it retry the task.
    int code =
        JobRunTest.run(cloud, check, drift, Map.of("CLOUD_RUN_EXECUTION", "runwire-job-drift1"));

    assertEquals(ExitCode.OK.code(), code, drift.stderr());
    assertEquals(Set.of("redis-instance", "cloud-run-service"), drifted(drift));
    JsonObject run = drift.events("dev.runwire.run.v1").get(0);
    assertEquals("drifted", run.get("status").getAsString());
    assertEquals(0, run.get("exitCode").getAsInt());
    assertEquals("runwire-job-drift1", run.get("executionId").getAsString());
    assertEquals(1, run.getAsJsonObject("drift").get("services").getAsInt());
    assertTrue(run.getAsJsonObject("drift").get("fields").getAsInt() >= 2, run.toString());
    JobRunTest.assertEventsMatchTheirSchemas(drift);

    // The same check from the command line still exits 3.
    JobOutput cli = new JobOutput();
    assertEquals(ExitCode.DRIFT.code(), JobRunTest.run(cloud, check, cli), cli.stderr());
    assertEquals(3, cli.events("dev.runwire.run.v1").get(0).get("exitCode").getAsInt());
    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
  }

  @Test
  void destroyRestoresTheServiceDeletesTheWiringAndKeepsRedis() {
    JsonObject request = TestRequests.directVpcJson(true);
    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
    JobOutput destroy = new JobOutput();

    assertEquals(ExitCode.OK.code(), run("destroy", request, destroy), destroy.stdout());

    assertTrue(exists(() -> clients.redis().getInstance(INSTANCE)), "Redis must be kept");
    assertTrue(
        JobRunTest.stepEnd(destroy, "redis-instance")
            .get("message")
            .getAsString()
            .contains("allowDataLoss"));
    assertFalse(exists(() -> clients.subnetworks().get(PROJECT, REGION, "run-egress")));
    assertFalse(exists(() -> clients.firewalls().get(PROJECT, "allow-visitor-counter-redis")));
    assertFalse(exists(() -> clients.routers().get(PROJECT, REGION, "visitor-counter-router")));
    assertFalse(
        exists(() -> clients.addresses().get(PROJECT, REGION, "visitor-counter-egress-ip")));
    assertTrue(
        exists(() -> clients.networks().get(PROJECT, "runwire-net")),
        "the network is never touched");
    Service service = clients.services().getService(SERVICE);
    assertEquals(0, service.getTemplate().getVpcAccess().getNetworkInterfacesCount());
    assertFalse(
        service.getTemplate().getContainers(0).getEnvList().stream()
            .anyMatch(e -> e.getName().startsWith("REDIS_")));

    request.addProperty("allowDataLoss", true);
    assertEquals(ExitCode.OK.code(), run("destroy", request, new JobOutput()));
    assertFalse(exists(() -> clients.redis().getInstance(INSTANCE)));
  }

  @Test
  void anAllSubnetworksNatOnTheNetworkIsAClearFailureAndOnlyItsBranchStops() throws Exception {
    clients
        .routers()
        .insertAsync(
            PROJECT,
            REGION,
            Router.newBuilder()
                .setName("legacy-router")
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .addNats(
                    RouterNat.newBuilder()
                        .setName("legacy-nat")
                        .setNatIpAllocateOption("AUTO_ONLY")
                        .setSourceSubnetworkIpRangesToNat("ALL_SUBNETWORKS_ALL_IP_RANGES"))
                .build())
        .get();
    JobOutput output = new JobOutput();

    assertEquals(
        ExitCode.STEP_FAILED.code(), run("apply", TestRequests.directVpcJson(true), output));

    JsonObject nat = JobRunTest.stepEnd(output, "cloud-nat");
    assertEquals("NatClash", nat.getAsJsonObject("error").get("code").getAsString());
    assertTrue(
        nat.getAsJsonObject("error").get("message").getAsString().contains("legacy-nat"),
        nat.toString());
    assertEquals(
        "skipped", JobRunTest.stepEnd(output, "cloud-run-service").get("status").getAsString());
    for (String ok :
        List.of("redis-instance", "egress-subnet", "firewall", "static-address", "cloud-router")) {
      assertEquals("succeeded", JobRunTest.stepEnd(output, ok).get("status").getAsString(), ok);
    }
  }

  @Test
  void switchingFromConnectorToDirectVpcClearsTheConnectorInTheSameUpdate() {
    assertEquals(
        ExitCode.OK.code(), run("apply", TestRequests.connectorJson(false), new JobOutput()));
    assertFalse(
        clients
            .services()
            .getService(SERVICE)
            .getTemplate()
            .getVpcAccess()
            .getConnector()
            .isEmpty());
    JobOutput output = new JobOutput();

    assertEquals(
        ExitCode.OK.code(),
        run("apply", TestRequests.directVpcJson(false), output),
        output.stdout());

    Service service = clients.services().getService(SERVICE);
    assertEquals("", service.getTemplate().getVpcAccess().getConnector());
    assertEquals(
        "run-egress", service.getTemplate().getVpcAccess().getNetworkInterfaces(0).getSubnetwork());
    assertEquals(
        "update", JobRunTest.stepEnd(output, "cloud-run-service").get("action").getAsString());
  }

  @Test
  void withAuthTheAuthStringAppearsInNoEventAndNoLogLine() {
    JsonObject request = TestRequests.directVpcJson(true);
    request.getAsJsonObject("redis").addProperty("authEnabled", true);
    JobOutput output = new JobOutput();

    assertEquals(ExitCode.OK.code(), run("apply", request, output), output.stdout());
    JobOutput drift = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("drift-check", request, drift));

    String auth = clients.redis().getInstanceAuthString(INSTANCE).getAuthString();
    assertFalse(auth.isBlank());
    for (JobOutput o : List.of(output, drift)) {
      assertFalse(o.stdout().contains(auth), "the AUTH string leaked into an event");
      assertFalse(o.stderr().contains(auth), "the AUTH string leaked into a log line");
    }
    assertTrue(JobRunTest.stepEnd(output, "verify").get("message").getAsString().contains("AUTH"));
  }

  /**
   * AUTH turns on in place (PATCH authEnabled, data kept), the new AUTH string lands in the secret,
   * the runtime account gets access to that secret before the service's new revision is deployed,
   * and verify authenticates with it; off again in place; destroy revokes only runwire's grant.
   */
  @Test
  void authTurnsOnAndOffInPlaceKeepingTheDataWithTheSecretGrantedToTheRuntimeAccount() {
    JsonObject plain = TestRequests.directVpcJson(false);
    assertEquals(ExitCode.OK.code(), run("apply", plain, new JobOutput()));
    com.google.cloud.redis.v1.Instance before = clients.redis().getInstance(INSTANCE);
    try (redis.clients.jedis.Jedis jedis =
        new redis.clients.jedis.Jedis(before.getHost(), before.getPort())) {
      jedis.set("visitors", "41");
    }
    JsonObject withAuth = plain.deepCopy();
    withAuth.getAsJsonObject("redis").addProperty("authEnabled", true);
    JobOutput on = new JobOutput();

    assertEquals(ExitCode.OK.code(), run("apply", withAuth, on), on.stdout());

    assertEquals("update", JobRunTest.stepEnd(on, "redis-instance").get("action").getAsString());
    assertEquals("create", JobRunTest.stepEnd(on, "redis-auth-secret").get("action").getAsString());
    assertEquals(
        "succeeded", JobRunTest.stepEnd(on, "redis-auth-access").get("status").getAsString());
    assertTrue(JobRunTest.stepEnd(on, "verify").get("message").getAsString().contains("AUTH"));
    com.google.cloud.redis.v1.Instance after = clients.redis().getInstance(INSTANCE);
    assertEquals(before.getCreateTime(), after.getCreateTime(), "the same instance, not a new one");
    String auth = clients.redis().getInstanceAuthString(INSTANCE).getAuthString();
    try (redis.clients.jedis.Jedis jedis =
        new redis.clients.jedis.Jedis(after.getHost(), after.getPort())) {
      jedis.auth(auth);
      assertEquals("41", jedis.get("visitors"), "the data is kept");
    }
    String secret = "projects/demo-project/secrets/visitor-cache-auth";
    String runtime =
        "serviceAccount:"
            + clients.services().getService(SERVICE).getTemplate().getServiceAccount();
    assertTrue(accessors(secret).contains(runtime), accessors(secret)::toString);

    JobOutput off = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("apply", plain, off), off.stdout());
    assertEquals("update", JobRunTest.stepEnd(off, "redis-instance").get("action").getAsString());
    assertFalse(clients.redis().getInstance(INSTANCE).getAuthEnabled());
    assertFalse(
        clients.services().getService(SERVICE).getTemplate().getContainers(0).getEnvList().stream()
            .anyMatch(e -> e.getName().equals("REDIS_AUTH")));

    JobOutput destroy = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("destroy", withAuth, destroy), destroy.stdout());
    assertEquals(
        "update", JobRunTest.stepEnd(destroy, "redis-auth-access").get("action").getAsString());
    assertFalse(accessors(secret).contains(runtime), accessors(secret)::toString);
  }

  private static List<String> accessors(String secret) {
    return clients
        .secrets()
        .getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder()
                .setResource(secret)
                .setOptions(
                    com.google.iam.v1.GetPolicyOptions.newBuilder().setRequestedPolicyVersion(3))
                .build())
        .getBindingsList()
        .stream()
        .filter(b -> b.getRole().equals("roles/secretmanager.secretAccessor"))
        .flatMap(b -> b.getMembersList().stream())
        .toList();
  }

  private static int run(String mode, JsonObject request, JobOutput output) {
    JsonObject copy = request.deepCopy();
    copy.addProperty("mode", mode);
    return JobRunTest.run(cloud, copy, output);
  }

  private static Set<String> drifted(JobOutput output) {
    return output.events("dev.runwire.step.v1").stream()
        .filter(e -> e.get("status").getAsString().equals("drifted"))
        .map(e -> e.get("step").getAsString())
        .collect(Collectors.toSet());
  }

  private static boolean exists(Runnable get) {
    try {
      get.run();
      return true;
    } catch (com.google.api.gax.rpc.NotFoundException e) {
      return false;
    }
  }
}
