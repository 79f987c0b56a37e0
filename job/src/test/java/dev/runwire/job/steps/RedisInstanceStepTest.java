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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class RedisInstanceStepTest {

  static final String INSTANCE =
      "projects/demo-project/locations/europe-west1/instances/visitor-cache";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

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
  void authTurnsOnAndOffInPlaceAndKeepsTheData() {
    apply(r -> {});
    put("visitors", "41");
    harness.cloud.resetLog();

    StepOutcome on = apply(r -> r.getAsJsonObject("redis").addProperty("authEnabled", true));

    assertEquals(Action.UPDATE, on.action(), on::message);
    assertEquals(List.of(new FieldDiff("authEnabled", "false", "true")), on.diff());
    assertEquals(List.of("PATCH"), methods());
    assertTrue(instance().getAuthEnabled());
    String auth = harness.clients.redis().getInstanceAuthString(INSTANCE).getAuthString();
    assertFalse(auth.isEmpty());
    try (Jedis jedis = new Jedis(instance().getHost(), instance().getPort())) {
      jedis.auth(auth);
      assertEquals("41", jedis.get("visitors"));
    }
    assertFalse(on.message().contains(auth));
    harness.cloud.resetLog();

    StepOutcome off = apply(r -> {});

    assertEquals(Action.UPDATE, off.action(), off::message);
    assertEquals(List.of("PATCH"), methods());
    assertFalse(instance().getAuthEnabled());
    assertEquals("41", get("visitors"));
  }

  @Test
  void theVersionUpgradesInPlaceAndKeepsTheData() {
    apply(r -> r.getAsJsonObject("redis").addProperty("version", "REDIS_7_0"));
    put("visitors", "7");
    harness.cloud.resetLog();

    StepOutcome outcome =
        apply(r -> r.getAsJsonObject("redis").addProperty("version", "REDIS_7_2"));

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    assertEquals(List.of(new FieldDiff("redisVersion", "REDIS_7_0", "REDIS_7_2")), outcome.diff());
    assertEquals(1, harness.mutations().size(), () -> "" + harness.mutations());
    assertTrue(
        harness.mutations().get(0).path().endsWith(":upgrade"), () -> "" + harness.mutations());
    assertEquals("REDIS_7_2", instance().getRedisVersion());
    assertEquals("7", get("visitors"));
  }

  @Test
  void anOlderVersionIsRefusedWithoutSuggestingToDeleteTheInstance() {
    apply(r -> {});
    harness.cloud.resetLog();

    StepOutcome outcome =
        apply(r -> r.getAsJsonObject("redis").addProperty("version", "REDIS_7_0"));

    assertEquals(Status.FAILED, outcome.status());
    assertEquals(Reasons.NEEDS_REPLACEMENT, outcome.error().code());
    assertTrue(outcome.message().contains("later versions only"), outcome.message());
    assertFalse(outcome.message().contains("allowDataLoss"), outcome.message());
    assertFalse(outcome.message().contains("destroy"), outcome.message());
    assertEquals(List.of(), harness.mutations());
  }

  @Test
  void memoryResizesInPlaceAndKeepsTheData() {
    apply(r -> {});
    put("visitors", "3");
    harness.cloud.resetLog();

    StepOutcome outcome = apply(r -> r.getAsJsonObject("redis").addProperty("memorySizeGb", 2));

    assertEquals(Action.UPDATE, outcome.action(), outcome::message);
    assertEquals(List.of("PATCH"), methods());
    assertEquals(2, instance().getMemorySizeGb());
    assertEquals("3", get("visitors"));
  }

  @Test
  void privateServicesAccessWithoutAConnectionFailsWithItsOwnReasonAndTheFix() {
    StepOutcome outcome = apply(RedisInstanceStepTest::psa);

    assertEquals(Status.FAILED, outcome.status());
    assertEquals(Reasons.PRIVATE_SERVICES_ACCESS_MISSING, outcome.error().code(), outcome::message);
    assertTrue(outcome.message().contains("--purpose=VPC_PEERING"), outcome.message());
    assertTrue(
        outcome.message().contains("gcloud services vpc-peerings connect"), outcome.message());
    assertEquals(List.of(), harness.mutations());
  }

  /** The request names the allocated range; GET answers a CIDR inside it: never a diff. */
  @Test
  void privateServicesAccessAppliedTwiceChangesNothingTheSecondTime() throws Exception {
    connectPrivateServicesAccess();
    StepOutcome created = apply(RedisInstanceStepTest::psa);
    assertEquals(Action.CREATE, created.action(), created::message);
    assertTrue(instance().getReservedIpRange().endsWith("/29"), instance()::toString);
    harness.cloud.resetLog();

    StepOutcome again = apply(RedisInstanceStepTest::psa);

    assertEquals(Status.SUCCEEDED, again.status(), again::message);
    assertEquals(Action.NONE, again.action(), again::message);
    assertEquals(List.of(), again.diff());
    assertEquals(List.of(), harness.mutations());
  }

  private static void psa(JsonObject r) {
    r.getAsJsonObject("redis").addProperty("connectMode", "PRIVATE_SERVICE_ACCESS");
    r.getAsJsonObject("redis").addProperty("reservedIpRange", "google-managed");
  }

  /** What gcloud compute addresses create --purpose=VPC_PEERING and vpc-peerings connect call. */
  private static void connectPrivateServicesAccess() throws Exception {
    String network = "projects/demo-project/global/networks/default";
    post(
        "/compute/v1/projects/demo-project/global/addresses",
        "{\"name\":\"google-managed\",\"purpose\":\"VPC_PEERING\",\"addressType\":\"INTERNAL\","
            + "\"prefixLength\":16,\"network\":\""
            + network
            + "\"}");
    post(
        "/v1/services/servicenetworking.googleapis.com/connections",
        "{\"network\":\"" + network + "\",\"reservedPeeringRanges\":[\"google-managed\"]}");
  }

  private static void post(String path, String body) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(harness.cloud.baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }

  private static com.google.cloud.redis.v1.Instance instance() {
    return harness.clients.redis().getInstance(INSTANCE);
  }

  private static List<String> methods() {
    return harness.mutations().stream().map(r -> r.method()).toList();
  }

  private static void put(String key, String value) {
    try (Jedis jedis = new Jedis(instance().getHost(), instance().getPort())) {
      jedis.set(key, value);
    }
  }

  private static String get(String key) {
    try (Jedis jedis = new Jedis(instance().getHost(), instance().getPort())) {
      return jedis.get(key);
    }
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
            .redisInstance(new ApiLocation("demo-project", "europe-west1"), "visitor-cache")
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
