package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RouterNatSubnetworkToNat;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.iam.v1.GetIamPolicyRequest;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.testing.TestRequests;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job side of the hostile-publisher table (issue 12) on the real local cloud: what runwire did
 * not create is used, never changed or deleted, and the cloud's request log shows no mutating call
 * against it. Attempts the function refuses from the request and the policy alone (images of
 * another registry, adopt without policy...) are in the function's HostilePublisherTest and in
 * PolicyAtStartTest; here the policy lets the request through, so the job's ownership rules are
 * what stops it.
 */
class OwnershipTest {

  static final String PROJECT = "demo-project";
  static final String REGION = "europe-west1";
  static final String LOCATION = "projects/demo-project/locations/europe-west1";
  static final String PAYMENTS = LOCATION + "/services/payments";
  static final String VICTIM_IMAGE = "us-docker.pkg.dev/victim/prod/payments:1";
  static final String DB_URL = "postgres://payments@10.0.0.5/payments";

  /** The policy lets these through, so the ownership rules are what is tested. */
  static final Map<String, String> PERMISSIVE =
      Map.of("RUNWIRE_ALLOW_PUBLIC_SERVICES", "true", "RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/");

  @RegisterExtension
  static final LocalCloudExtension local =
      LocalCloudExtension.withProbeJob().customNetwork("runwire-net").freshPerTest();

  @Test
  void takingOverAnUnownedServiceIsRefusedWithoutTouchingIt() throws Exception {
    seedPayments();
    JsonObject hostile = paymentsRequest();
    hostile.getAsJsonObject("service").addProperty("image", "local/evil-miner");
    hostile.getAsJsonObject("service").addProperty("allowUnauthenticated", true);
    local.cloud().resetLog();
    JobOutput output = new JobOutput();

    int code = local.run(hostile, output, PERMISSIVE);

    assertEquals(ExitCode.STEP_FAILED.code(), code, output.stdout());
    JsonObject service = JobRunTest.stepEnd(output, "cloud-run-service");
    assertEquals("NotOwned", service.getAsJsonObject("error").get("code").getAsString());
    String message = service.getAsJsonObject("error").get("message").getAsString();
    assertTrue(message.contains("image") && message.contains("allowUnauthenticated"), message);
    assertUntouchedPayments();
    JobRunTest.assertEventsMatchTheirSchemas(output);
  }

  @Test
  void anEnvVarRunwireDidNotSetIsNeverOverwritten() throws Exception {
    seedPayments();
    JsonObject hostile = paymentsRequest();
    hostile
        .getAsJsonObject("service")
        .add("envNames", JsonParser.parseString("{\"host\":\"DB_URL\"}"));
    local.cloud().resetLog();
    JobOutput output = new JobOutput();

    int code = local.run(hostile, output, PERMISSIVE);

    assertEquals(ExitCode.STEP_FAILED.code(), code, output.stdout());
    JsonObject error = JobRunTest.stepEnd(output, "cloud-run-service").getAsJsonObject("error");
    assertEquals("EnvConflict", error.get("code").getAsString());
    assertTrue(error.get("message").getAsString().contains("DB_URL"), error.toString());
    assertFalse(output.stdout().contains(DB_URL), "the variable's value is never printed");
    assertUntouchedPayments();
  }

  @Test
  void planShowsTheEnvConflictApplyWouldStopOn() throws Exception {
    seedPayments();
    JsonObject hostile = paymentsRequest();
    hostile
        .getAsJsonObject("service")
        .add("envNames", JsonParser.parseString("{\"host\":\"DB_URL\"}"));
    hostile.addProperty("mode", "plan");
    local.cloud().resetLog();
    JobOutput output = new JobOutput();

    assertEquals(ExitCode.OK.code(), local.run(hostile, output, PERMISSIVE), output.stdout());

    JsonObject service = JobRunTest.stepEnd(output, "cloud-run-service");
    String message = service.get("message").getAsString();
    assertTrue(message.startsWith("apply would stop: EnvConflict: "), message);
    assertTrue(message.contains("DB_URL") && message.contains("service.envNames"), message);
    assertTrue(
        service.getAsJsonArray("diff").toString().contains("env.DB_URL"), service.toString());
    assertFalse(output.stdout().contains(DB_URL), "the variable's value is never printed");
    assertEquals(List.of(), JobRunTest.mutations(local.cloud()), "plan changes nothing");
  }

  @Test
  void anUnownedServiceIsWiredWithAPlainRequestAndDestroyRestoresOnlyTheWiring() throws Exception {
    seedPayments();
    JobOutput output = new JobOutput();

    assertEquals(ExitCode.OK.code(), local.run(paymentsRequest(), output), output.stdout());

    Service wired = local.clients().services().getService(PAYMENTS);
    Container container = wired.getTemplate().getContainers(0);
    assertEquals(VICTIM_IMAGE, container.getImage());
    assertEquals(DB_URL, env(container).get("DB_URL"));
    assertTrue(env(container).containsKey("REDIS_HOST"));
    assertEquals(
        "run-egress", wired.getTemplate().getVpcAccess().getNetworkInterfaces(0).getSubnetwork());
    assertFalse(wired.getAnnotationsMap().containsKey("runwire.dev/owned"));

    JsonObject destroy = paymentsRequest();
    destroy.addProperty("mode", "destroy");
    JobOutput undo = new JobOutput();
    assertEquals(ExitCode.OK.code(), local.run(destroy, undo), undo.stdout());

    Service restored = local.clients().services().getService(PAYMENTS);
    Container after = restored.getTemplate().getContainers(0);
    assertEquals(VICTIM_IMAGE, after.getImage());
    assertEquals(Map.of("DB_URL", DB_URL), env(after));
    assertFalse(restored.getTemplate().hasVpcAccess());
    assertFalse(restored.getLabelsMap().containsKey("managed-by"));
    assertFalse(restored.getAnnotationsMap().containsKey("runwire.dev/last-applied"));
  }

  @Test
  void destroyKeepsUnownedRedisSubnetRouterAddressAndAnotherServicesNat() throws Exception {
    seedUnownedStaticEgress();
    seedProdCache(Instance.newBuilder().setMemorySizeGb(1));
    JsonObject destroy = unownedRequest();
    destroy.addProperty("mode", "destroy");
    destroy.addProperty("allowDataLoss", true);
    local.cloud().resetLog();
    JobOutput output = new JobOutput();

    int code = local.run(destroy, output);

    assertEquals(ExitCode.OK.code(), code, output.stdout());
    for (String step :
        List.of("redis-instance", "egress-subnet", "static-address", "cloud-router", "cloud-nat")) {
      JsonObject end = JobRunTest.stepEnd(output, step);
      assertEquals("none", end.get("action").getAsString(), end.toString());
      assertTrue(
          end.get("message").getAsString().startsWith("kept: not created by runwire"),
          end.toString());
    }
    assertEquals(List.of(), JobRunTest.mutations(local.cloud()), "nothing unowned may be changed");
    assertEquals(
        "READY",
        local.clients().redis().getInstance(LOCATION + "/instances/prod-cache").getState().name());
    assertEquals(
        List.of("other-nat"),
        local.clients().routers().get(PROJECT, REGION, "prod-router").getNatsList().stream()
            .map(RouterNat::getName)
            .toList());
    local.clients().subnetworks().get(PROJECT, REGION, "prod-subnet");
    local.clients().addresses().get(PROJECT, REGION, "prod-ip");
  }

  @Test
  void aDifferenceOnAnUnownedRedisIsReportedNotChanged() throws Exception {
    seedProdCache(Instance.newBuilder().setMemorySizeGb(2));
    JsonObject apply = TestRequests.directVpcJson(false);
    apply.getAsJsonObject("redis").addProperty("name", "prod-cache");
    local.cloud().resetLog();
    JobOutput output = new JobOutput();

    assertEquals(ExitCode.STEP_FAILED.code(), local.run(apply, output), output.stdout());

    JsonObject error = JobRunTest.stepEnd(output, "redis-instance").getAsJsonObject("error");
    assertEquals("NotOwned", error.get("code").getAsString());
    assertTrue(error.get("message").getAsString().contains("memorySizeGb"), error.toString());
    assertEquals(List.of(), mutationsOn("/instances/prod-cache"));
    assertEquals(
        2,
        local.clients().redis().getInstance(LOCATION + "/instances/prod-cache").getMemorySizeGb());
  }

  @Test
  void adoptionTakesOverTheListedKindsOnlyAndMarksThem() throws Exception {
    seedProdCache(Instance.newBuilder().setMemorySizeGb(1));
    seedSubnet("run-egress", "10.8.0.0/26", true);
    JsonObject apply = TestRequests.directVpcJson(false);
    apply.getAsJsonObject("redis").addProperty("name", "prod-cache");
    JsonArray adopt = new JsonArray();
    adopt.add("redis-instance");
    adopt.add("egress-subnet");
    apply.add("adopt", adopt);
    JobOutput output = new JobOutput();

    int code = local.run(apply, output, Map.of("RUNWIRE_ALLOW_ADOPTION", "true"));

    assertEquals(ExitCode.OK.code(), code, output.stdout());
    assertEquals(
        "runwire",
        local
            .clients()
            .redis()
            .getInstance(LOCATION + "/instances/prod-cache")
            .getLabelsMap()
            .get("managed-by"));
    Service service = local.clients().services().getService(LOCATION + "/services/visitor-counter");
    assertEquals("egress-subnet=run-egress", service.getAnnotationsMap().get("runwire.dev/owns"));

    // Owned from now on, without adopt: destroy with allowDataLoss deletes both.
    JsonObject destroy = TestRequests.directVpcJson(false);
    destroy.getAsJsonObject("redis").addProperty("name", "prod-cache");
    destroy.addProperty("mode", "destroy");
    destroy.addProperty("allowDataLoss", true);
    JobOutput undo = new JobOutput();
    assertEquals(ExitCode.OK.code(), local.run(destroy, undo), undo.stdout());
    assertEquals("delete", JobRunTest.stepEnd(undo, "redis-instance").get("action").getAsString());
    assertEquals("delete", JobRunTest.stepEnd(undo, "egress-subnet").get("action").getAsString());
  }

  @Test
  void anAdoptedInstancesAuthSecretHoldingItsAuthIsTakenOverAndMarked() throws Exception {
    String auth = seedAuthInstance();
    seedSecret("prod-cache-auth", auth);

    JobOutput output = new JobOutput();
    int code = local.run(adoptAuthCache(), output, ADOPTION);

    assertEquals(ExitCode.OK.code(), code, output.stdout());
    assertEquals(
        "runwire",
        local
            .clients()
            .secrets()
            .getSecret("projects/demo-project/secrets/prod-cache-auth")
            .getLabelsMap()
            .get("managed-by"));
    assertFalse(output.stdout().contains(auth), "the AUTH string is never printed");
  }

  @Test
  void aSecretUnderTheAuthNameHoldingSomethingElseIsNeverTakenOver() throws Exception {
    seedAuthInstance();
    seedSecret("prod-cache-auth", "not-the-auth-string");
    local.cloud().resetLog();

    JobOutput output = new JobOutput();
    int code = local.run(adoptAuthCache(), output, ADOPTION);

    assertEquals(ExitCode.STEP_FAILED.code(), code, output.stdout());
    JsonObject secret = JobRunTest.stepEnd(output, "redis-auth-secret");
    assertEquals("NotOwned", secret.getAsJsonObject("error").get("code").getAsString());
    assertEquals(List.of(), mutationsOn("/secrets/prod-cache-auth"));
  }

  static final Map<String, String> ADOPTION = Map.of("RUNWIRE_ALLOW_ADOPTION", "true");

  /** prod-cache with AUTH on, not runwire's; returns its AUTH string. */
  private static String seedAuthInstance() throws Exception {
    seedProdCache(Instance.newBuilder().setMemorySizeGb(1).setAuthEnabled(true));
    return local
        .clients()
        .redis()
        .getInstanceAuthString(LOCATION + "/instances/prod-cache")
        .getAuthString();
  }

  /** prod-cache, BASIC on runwire-net, as {@code instance} says otherwise; not runwire's. */
  private static void seedProdCache(Instance.Builder instance) throws Exception {
    local
        .clients()
        .redis()
        .createInstanceAsync(
            LOCATION,
            "prod-cache",
            instance
                .setTier(Instance.Tier.BASIC)
                .setAuthorizedNetwork("projects/demo-project/global/networks/runwire-net")
                .build())
        .get();
  }

  private static void seedSecret(String id, String value) {
    local
        .clients()
        .secrets()
        .createSecret(
            "projects/demo-project",
            id,
            com.google.cloud.secretmanager.v1.Secret.newBuilder()
                .setReplication(
                    com.google.cloud.secretmanager.v1.Replication.newBuilder()
                        .setAutomatic(
                            com.google.cloud.secretmanager.v1.Replication.Automatic
                                .getDefaultInstance()))
                .build());
    local
        .clients()
        .secrets()
        .addSecretVersion(
            "projects/demo-project/secrets/" + id,
            com.google.cloud.secretmanager.v1.SecretPayload.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(value))
                .build());
  }

  /** Adopts prod-cache (AUTH on) and nothing else. */
  private static JsonObject adoptAuthCache() {
    JsonObject apply = TestRequests.directVpcJson(false);
    apply.getAsJsonObject("redis").addProperty("name", "prod-cache");
    apply.getAsJsonObject("redis").addProperty("authEnabled", true);
    JsonArray adopt = new JsonArray();
    adopt.add("redis-instance");
    apply.add("adopt", adopt);
    return apply;
  }

  @Test
  void anAdoptedServiceIsRunwiresFromThenOn() throws Exception {
    seedPayments();
    JsonObject adopt = paymentsRequest();
    adopt.getAsJsonObject("service").addProperty("image", "local/visitor-counter");
    JsonArray kinds = new JsonArray();
    kinds.add("cloud-run-service");
    adopt.add("adopt", kinds);
    JobOutput output = new JobOutput();

    int code = local.run(adopt, output, Map.of("RUNWIRE_ALLOW_ADOPTION", "true"));

    assertEquals(ExitCode.OK.code(), code, output.stdout());
    Service service = local.clients().services().getService(PAYMENTS);
    assertEquals("local/visitor-counter", service.getTemplate().getContainers(0).getImage());
    assertEquals("true", service.getAnnotationsMap().get("runwire.dev/owned"));
    assertEquals(DB_URL, env(service.getTemplate().getContainers(0)).get("DB_URL"));
  }

  private static void assertUntouchedPayments() {
    assertEquals(List.of(), mutationsOn("/services/payments"), "no mutating call against payments");
    Service after = local.clients().services().getService(PAYMENTS);
    Container container = after.getTemplate().getContainers(0);
    assertEquals(VICTIM_IMAGE, container.getImage());
    assertEquals(Map.of("DB_URL", DB_URL), env(container));
    assertFalse(after.getTemplate().hasVpcAccess());
    String policy =
        local
            .clients()
            .services()
            .getIamPolicy(GetIamPolicyRequest.newBuilder().setResource(PAYMENTS).build())
            .toString();
    assertFalse(policy.contains("allUsers"), policy);
  }

  private static List<RecordedRequest> mutationsOn(String pathPart) {
    return JobRunTest.mutations(local.cloud()).stream()
        .filter(r -> r.path().contains(pathPart))
        .toList();
  }

  private static Map<String, String> env(Container container) {
    return container.getEnvList().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName, e -> e.getValue().isEmpty() ? "(ref)" : e.getValue()));
  }

  /** A production service runwire never created. */
  private static void seedPayments() throws Exception {
    Service payments =
        Service.newBuilder()
            .setTemplate(
                RevisionTemplate.newBuilder()
                    .addContainers(
                        Container.newBuilder()
                            .setImage(VICTIM_IMAGE)
                            .addEnv(EnvVar.newBuilder().setName("DB_URL").setValue(DB_URL))))
            .build();
    local.clients().services().createServiceAsync(LOCATION, payments, "payments").get();
  }

  /** A plain request for payments: no image, no public flag. */
  private static JsonObject paymentsRequest() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("service").addProperty("name", "payments");
    json.getAsJsonObject("service").remove("image");
    return json;
  }

  /** A subnet, an address and a shared router carrying another service's NAT, none runwire's. */
  private static void seedUnownedStaticEgress() throws Exception {
    seedSubnet("prod-subnet", "10.30.0.0/26", false);
    local
        .clients()
        .addresses()
        .insertAsync(PROJECT, REGION, Address.newBuilder().setName("prod-ip").build())
        .get();
    RouterNat otherNat =
        RouterNat.newBuilder()
            .setName("other-nat")
            .setNatIpAllocateOption("MANUAL_ONLY")
            .addNatIps("projects/demo-project/regions/europe-west1/addresses/prod-ip")
            .setSourceSubnetworkIpRangesToNat("LIST_OF_SUBNETWORKS")
            .addSubnetworks(
                RouterNatSubnetworkToNat.newBuilder()
                    .setName("projects/demo-project/regions/europe-west1/subnetworks/prod-subnet")
                    .addSourceIpRangesToNat("ALL_IP_RANGES"))
            .build();
    local
        .clients()
        .routers()
        .insertAsync(
            PROJECT,
            REGION,
            Router.newBuilder()
                .setName("prod-router")
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .addNats(otherNat)
                .build())
        .get();
  }

  private static void seedSubnet(String name, String range, boolean privateGoogleAccess)
      throws Exception {
    local
        .clients()
        .subnetworks()
        .insertAsync(
            PROJECT,
            REGION,
            Subnetwork.newBuilder()
                .setName(name)
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .setIpCidrRange(range)
                .setPrivateIpGoogleAccess(privateGoogleAccess)
                .build())
        .get();
  }

  /** A request naming the unowned resources above (and an unowned Redis instance). */
  private static JsonObject unownedRequest() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("service").addProperty("name", "victim-svc");
    json.getAsJsonObject("redis").addProperty("name", "prod-cache");
    json.getAsJsonObject("egress")
        .add(
            "subnet",
            JsonParser.parseString("{\"name\":\"prod-subnet\",\"range\":\"10.30.0.0/26\"}"));
    json.add(
        "staticEgressIp",
        JsonParser.parseString(
            "{\"enabled\":true,\"addressName\":\"prod-ip\",\"routerName\":\"prod-router\","
                + "\"natName\":\"other-nat\"}"));
    return json;
  }
}
