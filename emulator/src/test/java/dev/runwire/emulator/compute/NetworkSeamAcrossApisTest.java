package dev.runwire.emulator.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.VpcAccess;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.ErrorBodies;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.OfficialClients;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The networks Compute serves are the ones every other API checks against: a Redis reserved range,
 * a connector range and a subnet in the same network never overlap, whichever comes first, and Run
 * finds the subnets and connectors clients created.
 */
class NetworkSeamAcrossApisTest {

  private static final String P = "seam-project";
  private static final String REGION = "us-central1";
  private static final String LOCATION = "projects/" + P + "/locations/" + REGION;

  @RegisterExtension static final CloudFixture local = new CloudFixture(b -> b.profile("instant"));

  private static LocalCloud cloud;
  private static ComputeClients compute;
  private static CloudRedisClient redis;
  private static VpcAccessServiceClient vpc;
  private static ServicesClient run;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    compute = local.open(ComputeClients::new);
    redis = local.open(OfficialClients::redis);
    vpc = local.open(OfficialClients::vpcAccess);
    run = local.open(OfficialClients::services);
  }

  /** Runs after the fixture emptied the cloud. */
  @BeforeEach
  void customNetwork() throws Exception {
    compute.networks.insertAsync(P, ComputeContractTest.custom("vpc")).get();
  }

  private static Instance redisOn(String network, String range) {
    return Instance.newBuilder()
        .setTier(Instance.Tier.BASIC)
        .setMemorySizeGb(1)
        .setAuthorizedNetwork("projects/" + P + "/global/networks/" + network)
        .setReservedIpRange(range)
        .build();
  }

  private static com.google.cloud.compute.v1.Subnetwork subnet(
      String name, String network, String cidr) {
    return com.google.cloud.compute.v1.Subnetwork.newBuilder()
        .setName(name)
        .setNetwork("global/networks/" + network)
        .setIpCidrRange(cidr)
        .build();
  }

  private static Connector connector(String cidr) {
    return Connector.newBuilder()
        .setNetwork("vpc")
        .setIpCidrRange(cidr)
        .setMinInstances(2)
        .setMaxInstances(3)
        .build();
  }

  private static void assumeRedisServer() {
    assumeTrue(!cloud.redisServer().startsWith("none"), "no redis-server: " + cloud.redisServer());
  }

  @Test
  void redisReservedRangeBlocksSubnetsAndConnectors() throws Exception {
    assumeRedisServer();
    redis.createInstanceAsync(LOCATION, "cache", redisOn("vpc", "192.168.50.0/29")).get();

    ExecutionException subnet =
        assertThrows(
            ExecutionException.class,
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, REGION, subnet("s", "vpc", "192.168.50.0/24"))
                    .get());
    assertInstanceOf(InvalidArgumentException.class, subnet.getCause());
    Operation failed = compute.regionOperations.get(P, REGION, lastOperationName());
    String message = failed.getError().getErrors(0).getMessage();
    assertTrue(message.contains("Redis reserved range"), message);
    assertTrue(message.contains(LOCATION + "/instances/cache"), message);

    ExecutionException conn =
        assertThrows(
            ExecutionException.class,
            () -> vpc.createConnectorAsync(LOCATION, "conn-c", connector("192.168.50.0/28")).get());
    assertTrue(ErrorBodies.of(conn).contains("Redis reserved range"));
  }

  @Test
  void subnetsAndConnectorsBlockRedisRangesAndEachOther() throws Exception {
    compute.subnetworks.insertAsync(P, REGION, subnet("s", "vpc", "10.10.0.0/24")).get();
    vpc.createConnectorAsync(LOCATION, "conn-c", connector("10.20.0.0/28")).get();

    ExecutionException onConnector =
        assertThrows(
            ExecutionException.class,
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, "us-east1", subnet("t", "vpc", "10.20.0.0/24"))
                    .get());
    assertInstanceOf(InvalidArgumentException.class, onConnector.getCause());
    String message =
        compute
            .regionOperations
            .get(P, "us-east1", lastOperationName())
            .getError()
            .getErrors(0)
            .getMessage();
    assertTrue(message.contains("connector range of " + LOCATION + "/connectors/conn-c"), message);

    ExecutionException connectorOnSubnet =
        assertThrows(
            ExecutionException.class,
            () -> vpc.createConnectorAsync(LOCATION, "conn-d", connector("10.10.0.16/28")).get());
    assertTrue(ErrorBodies.of(connectorOnSubnet).contains("subnetwork"));

    assumeRedisServer();
    ExecutionException redisOnSubnet =
        assertThrows(
            ExecutionException.class,
            () ->
                redis
                    .createInstanceAsync(LOCATION, "cache-r", redisOn("vpc", "10.10.0.8/29"))
                    .get());
    assertTrue(ErrorBodies.of(redisOnSubnet).contains("instance.reservedIpRange"));
    ExecutionException missingNetwork =
        assertThrows(
            ExecutionException.class,
            () ->
                redis
                    .createInstanceAsync(LOCATION, "cache-r", redisOn("ghost", "10.30.0.0/29"))
                    .get());
    assertTrue(ErrorBodies.of(missingNetwork).contains("instance.authorizedNetwork"));
    Instance ok =
        redis.createInstanceAsync(LOCATION, "cache-r", redisOn("vpc", "10.30.0.0/29")).get();
    assertEquals(Instance.State.READY, ok.getState());
  }

  @Test
  void runFindsTheSubnetsAndConnectorsClientsCreated() throws Exception {
    Service viaConnector =
        service(VpcAccess.newBuilder().setConnector(LOCATION + "/connectors/egress"));
    ExecutionException before =
        assertThrows(
            ExecutionException.class,
            () -> run.createServiceAsync(LOCATION, viaConnector, "via-connector").get());
    assertTrue(ErrorBodies.of(before).contains("vpcAccess.connector"));

    vpc.createConnectorAsync(LOCATION, "egress", connector("10.8.0.0/28")).get();
    run.createServiceAsync(LOCATION, viaConnector, "via-connector").get();

    compute.subnetworks.insertAsync(P, REGION, subnet("run-egress", "vpc", "10.40.0.0/26")).get();
    Service direct =
        service(
            VpcAccess.newBuilder()
                .addNetworkInterfaces(
                    VpcAccess.NetworkInterface.newBuilder()
                        .setNetwork("vpc")
                        .setSubnetwork("run-egress")));
    run.createServiceAsync(LOCATION, direct, "direct").get();
  }

  private static Service service(VpcAccess.Builder vpcAccess) {
    return Service.newBuilder()
        .setTemplate(
            RevisionTemplate.newBuilder()
                .addContainers(Container.newBuilder().setImage("gcr.io/example/app"))
                .setVpcAccess(vpcAccess))
        .build();
  }

  private static String lastOperationName() {
    var ops = cloud.state().getAsJsonObject("compute").getAsJsonArray("operations");
    return ops.get(ops.size() - 1).getAsJsonObject().get("name").getAsString();
  }
}
