package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.LocationName;
import com.google.protobuf.FieldMask;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.emulator.core.RequestKind;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisContractTest {

  private static final String PARENT = LocationName.of("demo-project", "us-central1").toString();

  @RegisterExtension static final CloudFixture local = new CloudFixture(b -> b.profile("instant"));

  private static LocalCloud cloud;
  private static CloudRedisClient redis;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    assumeTrue(
        !cloud.redisServer().startsWith("none"),
        "redis-server is not installed: " + cloud.redisServer());
    redis = local.open(OfficialClients::redis);
  }

  private static Instance basic(int gb) {
    return Instance.newBuilder().setTier(Instance.Tier.BASIC).setMemorySizeGb(gb).build();
  }

  @Test
  void createdInstanceIsARealRedisThatEnforcesAuth() throws Exception {
    Instance created =
        redis
            .createInstanceAsync(PARENT, "cache", basic(1).toBuilder().setAuthEnabled(true).build())
            .get();

    assertEquals(Instance.State.READY, created.getState());
    assertEquals("127.0.0.1", created.getHost());
    assertTrue(created.getPort() > 0);
    assertEquals("us-central1-a", created.getCurrentLocationId());
    assertEquals("projects/demo-project/global/networks/default", created.getAuthorizedNetwork());
    assertTrue(created.getReservedIpRange().endsWith("/29"), created.getReservedIpRange());
    String auth = redis.getInstanceAuthString(created.getName()).getAuthString();
    assertFalse(auth.isEmpty());
    try (Jedis jedis = new Jedis(created.getHost(), created.getPort())) {
      JedisDataException noAuth = assertThrows(JedisDataException.class, jedis::ping);
      assertTrue(noAuth.getMessage().contains("NOAUTH"), noAuth.getMessage());
      jedis.auth(auth);
      assertEquals("PONG", jedis.ping());
    }
    assertFalse(cloud.state().toString().contains(auth), "the AUTH string must not be in state");
  }

  @Test
  void secondCreateWithTheSameIdIsAlreadyExists() throws Exception {
    redis.createInstanceAsync(PARENT, "dup", basic(1)).get();

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> redis.createInstanceAsync(PARENT, "dup", basic(1)).get());
    // gax's REST transport maps every 409 to AbortedException; the body says ALREADY_EXISTS.
    assertTrue(e.getCause() instanceof AbortedException, e.getCause().toString());
    assertTrue(ErrorBodies.of(e).contains("\"status\":\"ALREADY_EXISTS\""), ErrorBodies.of(e));
  }

  @Test
  void missingInstanceIsNotFound() {
    assertThrows(NotFoundException.class, () -> redis.getInstance(PARENT + "/instances/nope"));
  }

  @Test
  void outOfRangeMemoryIsRefusedNamingTheField() {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> redis.createInstanceAsync(PARENT, "big", basic(301)).get());
    assertTrue(e.getCause() instanceof InvalidArgumentException, e.getCause().toString());
    assertTrue(ErrorBodies.of(e).contains("instance.memorySizeGb"), ErrorBodies.of(e));
  }

  @Test
  void reservedRangeOverlappingTheNetworkIsRefused() throws Exception {
    ExecutionException autoMode =
        assertThrows(
            ExecutionException.class,
            () ->
                redis
                    .createInstanceAsync(
                        PARENT,
                        "r1",
                        basic(1).toBuilder().setReservedIpRange("10.128.0.0/29").build())
                    .get());
    assertTrue(
        ErrorBodies.of(autoMode).contains("instance.reservedIpRange"), ErrorBodies.of(autoMode));

    redis
        .createInstanceAsync(
            PARENT, "r2", basic(1).toBuilder().setReservedIpRange("192.168.10.0/29").build())
        .get();
    ExecutionException clash =
        assertThrows(
            ExecutionException.class,
            () ->
                redis
                    .createInstanceAsync(
                        PARENT,
                        "r3",
                        basic(1).toBuilder().setReservedIpRange("192.168.10.0/28").build())
                    .get());
    assertTrue(ErrorBodies.of(clash).contains("instances/r2"), ErrorBodies.of(clash));
  }

  @Test
  void listCoversEveryRegionWithDashAndPages() throws Exception {
    redis.createInstanceAsync(PARENT, "a1", basic(1)).get();
    redis.createInstanceAsync(PARENT, "a2", basic(1)).get();
    redis
        .createInstanceAsync(LocationName.of("demo-project", "europe-west1"), "b1", basic(1))
        .get();

    var all =
        redis.listInstances(
            com.google.cloud.redis.v1.ListInstancesRequest.newBuilder()
                .setParent("projects/demo-project/locations/-")
                .setPageSize(1)
                .build());
    List<String> names =
        StreamSupport.stream(all.iterateAll().spliterator(), false).map(Instance::getName).toList();
    assertEquals(3, names.size(), names.toString());
    long pages =
        cloud.requestLog().stream()
            .filter(r -> r.path().endsWith("/locations/-/instances"))
            .count();
    assertEquals(3, pages);
    assertEquals(
        2,
        StreamSupport.stream(redis.listInstances(PARENT).iterateAll().spliterator(), false)
            .count());
  }

  @Test
  void patchThroughMethodOverrideResizesTheRealServer() throws Exception {
    Instance created = redis.createInstanceAsync(PARENT, "grow", basic(1)).get();
    try (Jedis jedis = new Jedis(created.getHost(), created.getPort())) {
      jedis.set("kept", "yes");
    }

    Instance updated =
        redis
            .updateInstanceAsync(
                FieldMask.newBuilder().addPaths("memory_size_gb").addPaths("display_name").build(),
                created.toBuilder().setMemorySizeGb(2).setDisplayName("bigger").build())
            .get();

    assertEquals(2, updated.getMemorySizeGb());
    assertEquals("bigger", redis.getInstance(created.getName()).getDisplayName());
    assertTrue(
        cloud.requestLog().stream()
            .anyMatch(r -> r.method().equals("PATCH") && r.kind() == RequestKind.MUTATION));
    try (Jedis jedis = new Jedis(created.getHost(), created.getPort())) {
      assertEquals(String.valueOf(2L << 30), jedis.configGet("maxmemory").get("maxmemory"));
      // "Data is preserved during scaling" (Memorystore docs, both tiers).
      assertEquals("yes", jedis.get("kept"));
    }
  }

  /**
   * Create-only fields (tier, connect mode, network, reserved range, TLS) are refused on PATCH with
   * Memorystore's words (googleapis/google-api-go-client#1983: "Invalid option 'redis_config':
   * 'redis_config' cannot be updated on existing instances."). This test used auth_enabled as its
   * example before; AUTH is in fact updatable in place (see authTurnsOnAndOffInPlace...).
   */
  @Test
  void patchOfAFieldThatNeedsReplacementIsRefused() throws Exception {
    Instance created = redis.createInstanceAsync(PARENT, "fixed", basic(1)).get();
    for (String createOnly :
        List.of(
            "tier",
            "connect_mode",
            "authorized_network",
            "reserved_ip_range",
            "transit_encryption_mode")) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  redis
                      .updateInstanceAsync(
                          FieldMask.newBuilder().addPaths(createOnly).build(),
                          created.toBuilder().setTier(Instance.Tier.STANDARD_HA).build())
                      .get());
      assertTrue(
          ErrorBodies.of(e)
              .contains(
                  "Invalid option '"
                      + createOnly
                      + "': '"
                      + createOnly
                      + "' cannot be updated on existing instances."),
          ErrorBodies.of(e));
    }
  }

  /**
   * AUTH turns on and off in place (PATCH updateMask=auth_enabled; Terraform's Instance.yaml
   * updates auth_enabled): on gives a new AUTH string, off drops it, and the data stays.
   */
  @Test
  void authTurnsOnAndOffInPlaceAndKeepsTheData() throws Exception {
    Instance created = redis.createInstanceAsync(PARENT, "toggle", basic(1)).get();
    try (Jedis jedis = new Jedis(created.getHost(), created.getPort())) {
      jedis.set("visits", "41");
    }

    Instance on =
        redis
            .updateInstanceAsync(
                FieldMask.newBuilder().addPaths("auth_enabled").build(),
                created.toBuilder().setAuthEnabled(true).build())
            .get();
    assertTrue(on.getAuthEnabled());
    assertEquals(created.getPort(), on.getPort());
    String auth = redis.getInstanceAuthString(created.getName()).getAuthString();
    assertFalse(auth.isEmpty());
    try (Jedis jedis = new Jedis(on.getHost(), on.getPort())) {
      assertThrows(JedisDataException.class, jedis::ping);
      jedis.auth(auth);
      assertEquals("41", jedis.get("visits"));
    }

    Instance off =
        redis
            .updateInstanceAsync(
                FieldMask.newBuilder().addPaths("auth_enabled").build(),
                on.toBuilder().setAuthEnabled(false).build())
            .get();
    assertFalse(off.getAuthEnabled());
    assertEquals("", redis.getInstanceAuthString(created.getName()).getAuthString());
    try (Jedis jedis = new Jedis(off.getHost(), off.getPort())) {
      assertEquals("41", jedis.get("visits"));
    }
  }

  /** :upgrade goes to a later version in place, data kept; an older one is refused. */
  @Test
  void upgradeGoesToALaterVersionOnlyAndKeepsTheData() throws Exception {
    Instance created =
        redis
            .createInstanceAsync(
                PARENT, "older", basic(1).toBuilder().setRedisVersion("REDIS_6_X").build())
            .get();
    try (Jedis jedis = new Jedis(created.getHost(), created.getPort())) {
      jedis.set("k", "v");
    }

    Instance upgraded = redis.upgradeInstanceAsync(created.getName(), "REDIS_7_2").get();

    assertEquals("REDIS_7_2", upgraded.getRedisVersion());
    assertEquals("REDIS_7_2", redis.getInstance(created.getName()).getRedisVersion());
    try (Jedis jedis = new Jedis(upgraded.getHost(), upgraded.getPort())) {
      assertEquals("v", jedis.get("k"));
    }
    ExecutionException down =
        assertThrows(
            ExecutionException.class,
            () -> redis.upgradeInstanceAsync(created.getName(), "REDIS_6_X").get());
    assertInstanceOf(InvalidArgumentException.class, down.getCause());
    assertTrue(ErrorBodies.of(down).contains("downgrades are not supported"), ErrorBodies.of(down));
  }

  @Test
  void deleteStopsTheServer() throws Exception {
    Instance created = redis.createInstanceAsync(PARENT, "gone", basic(1)).get();

    redis.deleteInstanceAsync(created.getName()).get();

    assertThrows(NotFoundException.class, () -> redis.getInstance(created.getName()));
    try (Socket s = new Socket()) {
      assertThrows(
          java.io.IOException.class,
          () -> s.connect(new InetSocketAddress("127.0.0.1", created.getPort()), 500));
    }
  }

  @Test
  void injectedTransientErrorIsRetriedByTheClient() throws Exception {
    redis.createInstanceAsync(PARENT, "flaky", basic(1)).get();
    cloud.resetLog();
    cloud.faults().failNext("redis", 1);

    try (CloudRedisClient retrying = OfficialClients.redisRetryingReads(cloud)) {
      Instance got = retrying.getInstance(PARENT + "/instances/flaky");

      assertEquals(PARENT + "/instances/flaky", got.getName());
    }
    List<Integer> statuses = cloud.requestLog().stream().map(RecordedRequest::status).toList();
    assertEquals(List.of(503, 200), statuses);
    assertEquals(1, cloud.counters().get("redis").errors());
  }

  @Test
  void transientErrorReachesAClientThatDoesNotRetry() throws Exception {
    redis.createInstanceAsync(PARENT, "flaky2", basic(1)).get();
    cloud.faults().failNext("redis", 1);

    ApiException e =
        assertThrows(ApiException.class, () -> redis.getInstance(PARENT + "/instances/flaky2"));
    assertEquals(503, e.getStatusCode().getCode().getHttpStatusCode());
  }

  @Test
  void operationFailureForANamedInstanceEndsTheCreateWithAnError() {
    cloud.faults().failOperation(PARENT + "/instances/doomed", "injected failure");

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> redis.createInstanceAsync(PARENT, "doomed", basic(1)).get());
    assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
    assertThrows(NotFoundException.class, () -> redis.getInstance(PARENT + "/instances/doomed"));
  }

  @Test
  void requestsAreLoggedAndCountedPerKind() throws Exception {
    redis.createInstanceAsync(PARENT, "counted", basic(1)).get();
    redis.getInstance(PARENT + "/instances/counted");

    var c = cloud.counters().get("redis");
    assertEquals(1, c.mutations());
    assertTrue(c.reads() >= 1);
    RecordedRequest first = cloud.requestLog().get(0);
    assertEquals("POST", first.method());
    assertTrue(first.query().contains("instanceId=counted"), first.query());
  }

  /**
   * Private services access, set up the way gcloud does it: {@code compute addresses create RANGE
   * --global --purpose=VPC_PEERING --prefix-length=16 --network=N} (Compute global addresses), then
   * {@code services vpc-peerings connect --ranges=RANGE --network=N} (Service Networking v1
   * connections), after which networks.get lists the peering servicenetworking-googleapis-com. A
   * PSA instance names the range; GET answers a CIDR inside it (terraform-google-memorystore#89).
   */
  @Test
  void privateServiceAccessNeedsAConnectionAndAnswersACidrInsideTheNamedRange() throws Exception {
    String project = "psa-project";
    String parent = LocationName.of(project, "us-central1").toString();
    post(
        "/compute/v1/projects/" + project + "/global/networks",
        "{\"name\":\"vpc\",\"autoCreateSubnetworks\":false}");
    Instance psa =
        basic(1).toBuilder()
            .setConnectMode(Instance.ConnectMode.PRIVATE_SERVICE_ACCESS)
            .setAuthorizedNetwork("projects/" + project + "/global/networks/vpc")
            .setReservedIpRange("google-managed")
            .build();
    ExecutionException noConnection =
        assertThrows(
            ExecutionException.class, () -> redis.createInstanceAsync(parent, "psa", psa).get());
    assertTrue(
        ErrorBodies.of(noConnection).contains("gcloud services vpc-peerings connect"),
        ErrorBodies.of(noConnection));

    String address =
        post(
            "/compute/v1/projects/" + project + "/global/addresses",
            "{\"name\":\"google-managed\",\"purpose\":\"VPC_PEERING\",\"addressType\":\"INTERNAL\","
                + "\"prefixLength\":16,\"network\":\"projects/"
                + project
                + "/global/networks/vpc\"}");
    assertTrue(address.contains("\"operationType\":\"insert\""), address);
    String connect =
        post(
            "/v1/services/servicenetworking.googleapis.com/connections",
            "{\"network\":\"projects/"
                + dev.runwire.emulator.core.Projects.number(project)
                + "/global/networks/vpc\",\"reservedPeeringRanges\":[\"google-managed\"]}");
    assertTrue(connect.contains("\"done\":true"), connect);
    String network = get("/compute/v1/projects/" + project + "/global/networks/vpc");
    assertTrue(network.contains("servicenetworking-googleapis-com"), network);
    String connections =
        get(
            "/v1/services/servicenetworking.googleapis.com/connections?network=projects/"
                + project
                + "/global/networks/vpc");
    assertTrue(connections.contains("\"reservedPeeringRanges\":[\"google-managed\"]"), connections);

    Instance created = redis.createInstanceAsync(parent, "psa", psa).get();
    String cidr = created.getReservedIpRange();
    assertTrue(cidr.startsWith("10.0.") && cidr.endsWith("/29"), cidr);
    assertEquals(cidr, redis.getInstance(created.getName()).getReservedIpRange());
  }

  private static String post(String path, String body) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(cloud.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String get(String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(cloud.baseUrl() + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
