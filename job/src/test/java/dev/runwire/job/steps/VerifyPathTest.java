package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.PROBE_JOB;
import static dev.runwire.job.engine.StepKind.REDIS_CA_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.VpcAccess;
import com.google.gson.JsonParser;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * For each way the service's path to Redis breaks on Google Cloud, verify fails with that reason
 * (the probe job really runs, and the local cloud's network decides its connection), and passes
 * once apply (or the named fix) repairs it.
 */
class VerifyPathTest {

  private static final String PROJECT = Scenarios.PROJECT;
  private static final String REGION = Scenarios.REGION;
  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void reset() {
    harness.cloud.reset();
  }

  @Test
  void directVpcOnAnotherNetworkFailsWithWrongNetworkThenApplyFixesIt() throws Exception {
    ProvisioningRequest request = Scenarios.onDefaultNetwork("apply", json -> {});
    assertPasses(apply(request));
    harness.customNetwork(PROJECT, "other");
    harness
        .clients
        .subnetworks()
        .insertAsync(
            PROJECT,
            REGION,
            Subnetwork.newBuilder()
                .setName("other-run")
                .setNetwork("projects/" + PROJECT + "/global/networks/other")
                .setIpCidrRange("10.200.0.0/26")
                .build())
        .get();
    editService(
        s ->
            s.toBuilder()
                .setTemplate(
                    s.getTemplate().toBuilder()
                        .clearRevision()
                        .setVpcAccess(
                            VpcAccess.newBuilder()
                                .addNetworkInterfaces(
                                    VpcAccess.NetworkInterface.newBuilder()
                                        .setNetwork("other")
                                        .setSubnetwork("other-run"))
                                .setEgress(VpcAccess.VpcEgress.ALL_TRAFFIC)))
                .build());

    StepOutcome blocked = probeOnly(request);
    assertFails(
        blocked, "WRONG_NETWORK: Direct VPC egress on subnetwork other-run is in network other");
    assertTrue(blocked.message().contains("authorizedNetwork default"), blocked.message());

    assertPasses(apply(request));
  }

  @Test
  void connectorOnTheInstancesNetworkPasses() {
    ProvisioningRequest request =
        Scenarios.onDefaultNetwork(
            "apply",
            json ->
                json.add(
                    "egress",
                    JsonParser.parseString(
                        "{\"mode\":\"connector\",\"route\":\"private-ranges-only\","
                            + "\"connector\":{\"name\":\"run-conn\",\"subnet\":{\"name\":"
                            + "\"conn-subnet\",\"range\":\"10.9.0.0/28\"},\"minInstances\":2,"
                            + "\"maxInstances\":3,\"machineType\":\"e2-micro\"}}")));

    StepOutcome verify =
        harness
            .runSteps(
                request,
                REDIS_INSTANCE,
                EGRESS_SUBNET,
                VPC_CONNECTOR,
                CLOUD_RUN_SERVICE,
                PROBE_JOB,
                VERIFY)
            .outcome(VERIFY);

    assertPasses(verify);
    assertTrue(verify.message().contains("connector run-conn"), verify.message());
    assertTrue(VerifyStepTest.lastDecision(harness).reason().contains("connector "));
  }

  @Test
  void egressDenyRuleFailsWithTheRuleNamedAndAnAllowAboveItFixesIt() throws Exception {
    ProvisioningRequest request = Scenarios.onDefaultNetwork("apply", json -> {});
    harness
        .clients
        .firewalls()
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("deny-egress-private")
                .setNetwork("global/networks/default")
                .setDirection("EGRESS")
                .setPriority(1000)
                .addDestinationRanges("10.0.0.0/8")
                .addDenied(Denied.newBuilder().setIPProtocol("tcp"))
                .build())
        .get();

    StepOutcome blocked = apply(request);
    assertFails(blocked, "EGRESS_DENIED: EGRESS firewall rule deny-egress-private (priority 1000)");
    assertTrue(blocked.message().contains("add an EGRESS allow"), blocked.message());

    // The fix the diagnosis names (runwire's own allow step is another change).
    String range = harness.clients.redis().getInstance(Scenarios.INSTANCE).getReservedIpRange();
    harness
        .clients
        .firewalls()
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("allow-redis-egress")
                .setNetwork("global/networks/default")
                .setDirection("EGRESS")
                .setPriority(900)
                .addDestinationRanges(range)
                .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
                .build())
        .get();
    assertPasses(apply(request));
  }

  @Test
  void privateRangesOnlyFailsForANonRfc1918RangeAndAllTrafficFixesIt() {
    ProvisioningRequest request =
        Scenarios.onDefaultNetwork(
            "apply",
            json -> json.getAsJsonObject("egress").addProperty("route", "private-ranges-only"));
    assertPasses(apply(request));
    harness.cloud.changeOutOfBand(Scenarios.INSTANCE, "{\"reservedIpRange\":\"100.64.0.0/29\"}");

    assertFails(probeOnly(request), "EGRESS_ROUTE: egress PRIVATE_RANGES_ONLY");

    ProvisioningRequest allTraffic =
        Scenarios.onDefaultNetwork(
            "apply", json -> json.getAsJsonObject("egress").addProperty("route", "all-traffic"));
    assertPasses(apply(allTraffic));
  }

  @Test
  void lostPrivateServicesAccessFailsWithNoPsaThenReconnectingFixesIt() throws Exception {
    post(
        "/compute/v1/projects/" + PROJECT + "/global/addresses",
        "{\"name\":\"google-managed\",\"purpose\":\"VPC_PEERING\",\"addressType\":\"INTERNAL\","
            + "\"prefixLength\":16,\"network\":\"projects/"
            + PROJECT
            + "/global/networks/default\"}");
    post(
        "/v1/services/servicenetworking.googleapis.com/connections",
        "{\"network\":\"projects/"
            + dev.runwire.emulator.core.Projects.number(PROJECT)
            + "/global/networks/default\",\"reservedPeeringRanges\":[\"google-managed\"]}");
    ProvisioningRequest request =
        Scenarios.onDefaultNetwork(
            "apply",
            json -> {
              // No reservedIpRange: Memorystore picks one from the connection's allocated ranges.
              json.getAsJsonObject("redis").addProperty("connectMode", "PRIVATE_SERVICE_ACCESS");
            });
    assertPasses(apply(request));
    String network = "projects/" + PROJECT + "/global/networks/default";
    String peering =
        harness.clients.networks().get(PROJECT, "default").getPeeringsList().stream()
            .map(
                p ->
                    "{\"name\":\""
                        + p.getName()
                        + "\",\"network\":\""
                        + p.getNetwork()
                        + "\",\"state\":\"ACTIVE\"}")
            .findFirst()
            .orElseThrow();

    harness.cloud.changeOutOfBand(network, "{\"peerings\":[]}");
    assertFails(probeOnly(request), "NO_PRIVATE_SERVICE_ACCESS: network default has lost");

    harness.cloud.changeOutOfBand(network, "{\"peerings\":[" + peering + "]}");
    assertPasses(probeOnly(request));
  }

  @Test
  void tlsInstanceIsVerifiedOverTlsWithTheCaSecretAndFailsWithTlsWithoutIt() throws Exception {
    ProvisioningRequest request =
        Scenarios.onDefaultNetwork(
            "apply",
            json ->
                json.getAsJsonObject("redis")
                    .addProperty("transitEncryption", "SERVER_AUTHENTICATION"));
    StepOutcome verify =
        harness
            .runSteps(
                request, REDIS_INSTANCE, REDIS_CA_SECRET, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY)
            .outcome(VERIFY);
    assertPasses(verify);
    assertTrue(verify.message().contains("TLS"), verify.message());
    Service service = harness.clients.services().getService(Scenarios.SERVICE);
    assertTrue(
        service.getTemplate().getContainers(0).getEnvList().stream()
            .anyMatch(
                e ->
                    e.getName().equals("REDIS_CA_CERT")
                        && e.getValueSource()
                            .getSecretKeyRef()
                            .getSecret()
                            .equals("visitor-cache-server-ca")),
        service.getTemplate().toString());

    // Someone drops the CA from the service: a TLS client cannot trust the server any more.
    editService(
        s -> {
          Service.Builder b = s.toBuilder();
          var c = b.getTemplateBuilder().clearRevision().getContainersBuilder(0);
          var kept =
              c.getEnvList().stream().filter(e -> !e.getName().equals("REDIS_CA_CERT")).toList();
          c.clearEnv().addAllEnv(kept);
          return b.build();
        });
    Service edited = harness.clients.services().getService(Scenarios.SERVICE);
    assertTrue(
        edited.getTemplate().getContainers(0).getEnvList().stream()
            .noneMatch(e -> e.getName().equals("REDIS_CA_CERT")),
        edited.getTemplate().toString());
    StepOutcome noCa = probeOnly(request);
    assertFails(noCa, "TLS: the network path works but TLS failed");

    assertPasses(
        harness
            .runSteps(
                request, REDIS_INSTANCE, REDIS_CA_SECRET, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY)
            .outcome(VERIFY));
  }

  @Test
  void driftCheckRunsTheProbeOnlyWithVerifyTrue() {
    assertPasses(apply(Scenarios.onDefaultNetwork("apply", json -> {})));

    int before = harness.cloud.requestLog().size();
    StepOutcome quiet = probeOnly(Scenarios.onDefaultNetwork("drift-check", json -> {}));
    assertEquals(Status.SUCCEEDED, quiet.status(), quiet::message);
    assertTrue(quiet.message().contains("not in drift-check"), quiet.message());
    assertTrue(
        harness.cloud.requestLog().subList(before, harness.cloud.requestLog().size()).stream()
            .noneMatch(r -> r.path().endsWith(":run")));

    StepOutcome verified =
        probeOnly(
            Scenarios.onDefaultNetwork("drift-check", json -> json.addProperty("verify", true)));
    assertPasses(verified);
  }

  // --- helpers ---

  private static StepOutcome apply(ProvisioningRequest request) {
    return VerifyStepTest.applyAndVerify(harness, request);
  }

  /** The probe job and verify alone (the service as it is now). */
  private static StepOutcome probeOnly(ProvisioningRequest request) {
    return harness.runSteps(request, REDIS_INSTANCE, PROBE_JOB, VERIFY).outcome(VERIFY);
  }

  private static void editService(UnaryOperator<Service> edit) throws Exception {
    Service s = harness.clients.services().getService(Scenarios.SERVICE);
    harness.clients.services().updateServiceAsync(edit.apply(s)).get();
  }

  private static void assertPasses(StepOutcome verify) {
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
  }

  private static void assertFails(StepOutcome verify, String reason) {
    assertEquals(Status.FAILED, verify.status(), verify::message);
    assertTrue(verify.message().contains(reason), verify.message());
    assertFalse(VerifyStepTest.lastDecision(harness).allowed() && !reason.startsWith("TLS"));
  }

  private static void post(String path, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(harness.cloud.baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
