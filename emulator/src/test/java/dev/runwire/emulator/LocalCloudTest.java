package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.OperationMetadata;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.longrunning.Operation;
import com.google.protobuf.util.JsonFormat;
import dev.runwire.emulator.core.RequestKind;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The local cloud as any REST client, the latency profiles and the admin endpoints see it. */
class LocalCloudTest {

  private static final String INSTANCES = "/v1/projects/p/locations/us-central1/instances";
  private static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(Instance.getDescriptor())
          .add(OperationMetadata.getDescriptor())
          .build();

  /** Strict: the emulator's own JSON must parse with unknown fields rejected. */
  private static final JsonFormat.Parser STRICT = JsonFormat.parser().usingTypeRegistry(TYPES);

  @Test
  void plainRestClientSendingEnumNamesGetsStrictWireJson() throws Exception {
    try (LocalCloud cloud = LocalCloud.builder().start()) {
      HttpResponse<String> created =
          PlainHttp.send(
              cloud,
              "POST",
              INSTANCES + "?instanceId=plain",
              "{\"tier\":\"STANDARD_HA\",\"memorySizeGb\":5,\"connectMode\":\"DIRECT_PEERING\"}");
      assertEquals(200, created.statusCode(), created.body());
      Operation.Builder op = Operation.newBuilder();
      STRICT.merge(created.body(), op);
      assertTrue(op.getDone());
      Instance instance = op.getResponse().unpack(Instance.class);
      assertEquals(Instance.Tier.STANDARD_HA, instance.getTier());
      assertTrue(created.body().contains("\"tier\":\"STANDARD_HA\""), "answers enum names");

      HttpResponse<String> got = PlainHttp.send(cloud, "GET", INSTANCES + "/plain", null);
      Instance.Builder parsed = Instance.newBuilder();
      STRICT.merge(got.body(), parsed);
      assertEquals(1, parsed.getReplicaCount());
      assertEquals("us-central1-b", parsed.getAlternativeLocationId());

      HttpResponse<String> unknown =
          PlainHttp.send(
              cloud,
              "POST",
              INSTANCES + "?instanceId=bad",
              "{\"tier\":1,\"memorySizeGb\":1,\"colour\":\"red\"}");
      assertEquals(400, unknown.statusCode());
      JsonObject error =
          JsonParser.parseString(unknown.body()).getAsJsonObject().getAsJsonObject("error");
      assertEquals("INVALID_ARGUMENT", error.get("status").getAsString());
      assertTrue(error.get("message").getAsString().contains("colour"), unknown.body());
      assertEquals(
          "badRequest",
          error.getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString());
    }
  }

  @Test
  void scaledProfilePassesThroughTheTransitionalState() throws Exception {
    try (LocalCloud cloud =
            LocalCloud.builder()
                .profile("scaled:1000")
                .duration("redis.create", Duration.ofMillis(400))
                .start();
        CloudRedisClient redis = OfficialClients.redis(cloud)) {
      var future =
          redis.createInstanceAsync(
              "projects/p/locations/us-central1",
              "slow",
              Instance.newBuilder().setTier(Instance.Tier.BASIC).setMemorySizeGb(1).build());
      future.getInitialFuture().get();
      Instance during = redis.getInstance("projects/p/locations/us-central1/instances/slow");
      assertEquals(Instance.State.CREATING, during.getState());
      assertEquals("", during.getHost(), "host appears when the create is done");

      Instance done = future.get();

      assertEquals(Instance.State.READY, done.getState());
      assertTrue(done.getPort() > 0);
      assertTrue(cloud.requestLog().stream().anyMatch(r -> r.kind() == RequestKind.POLL));
      assertTrue(cloud.counters().get("redis").polls() >= 1);
    }
  }

  @Test
  void adminEndpointsSnapshotInjectFaultsChangeOutOfBandAndReset() throws Exception {
    try (LocalCloud cloud = LocalCloud.builder().start()) {
      PlainHttp.send(
          cloud,
          "POST",
          INSTANCES + "?instanceId=drift",
          "{\"tier\":\"BASIC\",\"memorySizeGb\":1}");

      HttpResponse<String> patched =
          PlainHttp.send(
              cloud,
              "POST",
              "/admin/resources:patch",
              "{\"name\":\"projects/p/locations/us-central1/instances/drift\",\"patch\":{\"memorySizeGb\":4,\"labels\":{\"by\":\"console\"}}}");
      assertEquals(200, patched.statusCode(), patched.body());
      String state = PlainHttp.send(cloud, "GET", "/admin/state", null).body();
      assertTrue(
          state.contains("\"memorySizeGb\":4") && state.contains("\"by\":\"console\""), state);

      PlainHttp.send(cloud, "POST", "/admin/faults", "{\"failNext\":{\"redis\":1}}");
      assertEquals(503, PlainHttp.send(cloud, "GET", INSTANCES + "/drift", null).statusCode());
      assertEquals(200, PlainHttp.send(cloud, "GET", INSTANCES + "/drift", null).statusCode());

      String log = PlainHttp.send(cloud, "GET", "/admin/requests", null).body();
      assertTrue(log.contains("\"status\":503") && !log.contains("/admin/"), log);
      assertTrue(
          PlainHttp.send(cloud, "GET", "/admin/counters", null).body().contains("\"errors\":1"));

      assertEquals(200, PlainHttp.send(cloud, "POST", "/admin/reset", "").statusCode());
      assertEquals(404, PlainHttp.send(cloud, "GET", INSTANCES + "/drift", null).statusCode());
      assertThrows(RuntimeException.class, () -> cloud.changeOutOfBand("projects/p/nothing", "{}"));
    }
  }

  @Test
  void seededFaultRateIsDeterministic() throws Exception {
    String first = statuses(7);
    String second = statuses(7);

    assertEquals(first, second);
    assertTrue(first.contains("429") || first.contains("503"), first);
    assertTrue(first.contains("404"), first);
  }

  @Test
  void closeStopsEveryProcessItStarted() throws Exception {
    LocalCloud cloud = LocalCloud.builder().start();
    PlainHttp.send(
        cloud, "POST", INSTANCES + "?instanceId=aa", "{\"tier\":\"BASIC\",\"memorySizeGb\":1}");
    String body = PlainHttp.send(cloud, "GET", INSTANCES + "/aa", null).body();
    assertTrue(body.contains("\"port\""), body);
    String port = JsonParser.parseString(body).getAsJsonObject().get("port").getAsString();

    cloud.close();

    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(
                p -> p.info().commandLine().orElse("").contains("redis-server 127.0.0.1:" + port)));
  }

  private static String statuses(long seed) throws Exception {
    try (LocalCloud cloud =
        LocalCloud.builder().seed(seed).faults(f -> f.errorRate("redis", 0.5)).start()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        sb.append(PlainHttp.send(cloud, "GET", INSTANCES + "/none", null).statusCode()).append(' ');
      }
      return sb.toString();
    }
  }
}
