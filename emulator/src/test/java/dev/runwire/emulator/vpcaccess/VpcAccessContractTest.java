package dev.runwire.emulator.vpcaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.ListConnectorsRequest;
import com.google.cloud.vpcaccess.v1.OperationMetadata;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import com.google.protobuf.Empty;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.ErrorBodies;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.OfficialClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Serverless VPC Access v1 through the official Java client (REST, numeric enums). */
class VpcAccessContractTest {

  private static final String P = "demo-project";
  private static final String REGION = "us-central1";
  private static final String PARENT = "projects/" + P + "/locations/" + REGION;

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b -> b.profile("instant").duration("vpcaccess.create", Duration.ofMillis(150)));

  private static LocalCloud cloud;
  private static VpcAccessServiceClient vpc;
  private static NetworksClient networks;
  private static SubnetworksClient subnetworks;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    vpc = local.open(OfficialClients::vpcAccess);
    networks = local.open(OfficialClients::networks);
    subnetworks = local.open(OfficialClients::subnetworks);
  }

  static Connector onRange(String cidr) {
    return Connector.newBuilder()
        .setNetwork("default")
        .setIpCidrRange(cidr)
        .setMinInstances(2)
        .setMaxInstances(3)
        .build();
  }

  private static Connector onSubnet(String subnet) {
    return Connector.newBuilder()
        .setSubnet(Connector.Subnet.newBuilder().setName(subnet))
        .setMinInstances(2)
        .setMaxInstances(10)
        .setMachineType("e2-standard-4")
        .build();
  }

  private static String refused(Connector connector, String id) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> vpc.createConnectorAsync(PARENT, id, connector).get());
    assertInstanceOf(InvalidArgumentException.class, e.getCause(), ErrorBodies.of(e));
    return ErrorBodies.of(e);
  }

  private static void customNetworkWithSubnet(String subnet, String cidr) throws Exception {
    networks
        .insertAsync(P, Network.newBuilder().setName("vpc").setAutoCreateSubnetworks(false).build())
        .get();
    subnetworks
        .insertAsync(
            P,
            REGION,
            Subnetwork.newBuilder()
                .setName(subnet)
                .setNetwork("global/networks/vpc")
                .setIpCidrRange(cidr)
                .build())
        .get();
  }

  @Test
  void connectorIsCreatingThenReadyAndIsDeleted() throws Exception {
    OperationFuture<Connector, OperationMetadata> future =
        vpc.createConnectorAsync(PARENT, "run-to-redis", onRange("10.8.0.0/28"));
    OperationMetadata metadata = future.getMetadata().get();
    assertEquals(
        "google.cloud.vpcaccess.v1.VpcAccessService.CreateConnector", metadata.getMethod());
    assertEquals(PARENT + "/connectors/run-to-redis", metadata.getTarget());
    assertEquals(
        Connector.State.CREATING, vpc.getConnector(PARENT + "/connectors/run-to-redis").getState());

    Connector ready = future.get();
    assertEquals(Connector.State.READY, ready.getState());
    assertEquals(PARENT + "/connectors/run-to-redis", ready.getName());
    assertEquals("default", ready.getNetwork());
    assertEquals("e2-micro", ready.getMachineType());
    assertEquals(List.of(P), ready.getConnectedProjectsList());
    assertEquals(ready, vpc.getConnector(ready.getName()));

    vpc.deleteConnectorAsync(ready.getName()).get();
    assertThrows(NotFoundException.class, () -> vpc.getConnector(ready.getName()));
    // the range is free again
    vpc.createConnectorAsync(PARENT, "again", onRange("10.8.0.0/28")).get();
  }

  /**
   * The Java client has no update, but the REST API takes {@code PATCH
   * .../connectors/{c}?updateMask=} for machineType, minInstances and maxInstances, as the
   * Terraform provider sends it (magic-modules mmv1/products/vpcaccess/Connector.yaml); other
   * fields are create-only.
   */
  @Test
  void connectorSizingIsPatchedOverRestAndOtherFieldsAreRefused() throws Exception {
    Connector ready = vpc.createConnectorAsync(PARENT, "resize", onRange("10.8.2.0/28")).get();

    java.net.http.HttpResponse<String> patched =
        restPatch(
            ready.getName() + "?updateMask=machineType,maxInstances",
            "{\"machineType\":\"e2-standard-4\",\"maxInstances\":5}");
    assertEquals(200, patched.statusCode(), patched.body());
    String op =
        com.google.gson.JsonParser.parseString(patched.body())
            .getAsJsonObject()
            .get("name")
            .getAsString();
    Connector after = waitReady(ready.getName());
    assertEquals("e2-standard-4", after.getMachineType());
    assertEquals(5, after.getMaxInstances());
    assertEquals(2, after.getMinInstances());
    assertTrue(op.contains("/operations/"), op);

    java.net.http.HttpResponse<String> network =
        restPatch(ready.getName() + "?updateMask=ipCidrRange", "{\"ipCidrRange\":\"10.9.0.0/28\"}");
    assertEquals(400, network.statusCode());
    assertTrue(network.body().contains("ipCidrRange"), network.body());
  }

  private static Connector waitReady(String name) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      Connector c = vpc.getConnector(name);
      if (c.getState() == Connector.State.READY) {
        return c;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(name + " did not become READY");
  }

  private static java.net.http.HttpResponse<String> restPatch(String nameAndQuery, String body)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(cloud.baseUrl() + "/v1/" + nameAndQuery))
                .header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listPagesThroughConnectors() throws Exception {
    vpc.createConnectorAsync(PARENT, "c1", onRange("10.8.0.0/28")).get();
    vpc.createConnectorAsync(PARENT, "c2", onRange("10.8.0.16/28")).get();
    vpc.createConnectorAsync(PARENT, "c3", onRange("10.8.0.32/28")).get();

    var page =
        vpc.listConnectors(
                ListConnectorsRequest.newBuilder().setParent(PARENT).setPageSize(2).build())
            .getPage();
    assertEquals(2, page.getResponse().getConnectorsCount());
    assertTrue(page.hasNextPage());
    List<String> all =
        StreamSupport.stream(
                vpc.listConnectors(
                        ListConnectorsRequest.newBuilder().setParent(PARENT).setPageSize(2).build())
                    .iterateAll()
                    .spliterator(),
                false)
            .map(c -> c.getName().substring(c.getName().lastIndexOf('/') + 1))
            .toList();
    assertEquals(List.of("c1", "c2", "c3"), all);
  }

  @Test
  void connectorOnASubnetNeedsASlash28WithNothingElseOnIt() throws Exception {
    customNetworkWithSubnet("connector-subnet", "10.50.0.0/28");
    Connector created =
        vpc.createConnectorAsync(PARENT, "on-subnet", onSubnet("connector-subnet")).get();
    assertEquals(Connector.State.READY, created.getState());
    assertEquals(P, created.getSubnet().getProjectId());
    assertEquals("e2-standard-4", created.getMachineType());

    String second = refused(onSubnet("connector-subnet"), "second");
    assertTrue(second.contains("connector.subnet.name"), second);
    assertTrue(second.contains("on-subnet"), second);

    ExecutionException busy =
        assertThrows(
            ExecutionException.class,
            () -> subnetworks.deleteAsync(P, REGION, "connector-subnet").get());
    assertInstanceOf(InvalidArgumentException.class, busy.getCause());

    subnetworks
        .insertAsync(
            P,
            REGION,
            Subnetwork.newBuilder()
                .setName("too-big")
                .setNetwork("global/networks/vpc")
                .setIpCidrRange("10.51.0.0/24")
                .build())
        .get();
    String big = refused(onSubnet("too-big"), "big");
    assertTrue(big.contains("/28"), big);

    String missing = refused(onSubnet("ghost"), "ghost");
    assertTrue(missing.contains("connector.subnet.name"), missing);
  }

  @Test
  void badConnectorsAreRefusedNamingTheField() {
    assertTrue(refused(onRange("10.8.0.0/28"), "Bad_Id").contains("connectorId"));
    assertTrue(
        refused(onRange("10.8.0.0/28"), "a-very-long-connector-name-x").contains("connectorId"));
    assertTrue(
        refused(
                onRange("10.8.0.0/28").toBuilder()
                    .setSubnet(Connector.Subnet.newBuilder().setName("s"))
                    .build(),
                "both")
            .contains("connector.subnet"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().clearIpCidrRange().build(), "neither")
            .contains("connector.ipCidrRange"));
    assertTrue(refused(onRange("10.8.0.0/27"), "wide").contains("connector.ipCidrRange"));
    assertTrue(refused(onRange("10.8.0.4/28"), "unaligned").contains("10.8.0.0/28"));
    assertTrue(refused(onRange("34.1.2.0/28"), "public").contains("connector.ipCidrRange"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().setNetwork("ghost").build(), "nonet")
            .contains("connector.network"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().clearNetwork().build(), "nonet")
            .contains("connector.network"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().setMinInstances(1).build(), "small")
            .contains("connector.minInstances"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().setMaxInstances(11).build(), "large")
            .contains("connector.maxInstances"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().setMinInstances(3).build(), "equal")
            .contains("connector.maxInstances"));
    assertTrue(
        refused(onRange("10.8.0.0/28").toBuilder().setMinThroughput(200).build(), "mixed")
            .contains("connector.minThroughput"));
    assertTrue(
        refused(
                onRange("10.8.0.0/28").toBuilder().clearMinInstances().clearMaxInstances().build(),
                "sizeless")
            .contains("connector.minInstances"));
    assertTrue(
        refused(
                onRange("10.8.0.0/28").toBuilder().setMachineType("n2-standard-2").build(),
                "machine")
            .contains("connector.machineType"));
  }

  @Test
  void rangesInUseInTheNetworkAreRefused() throws Exception {
    String autoMode = refused(onRange("10.128.0.0/28"), "auto");
    assertTrue(autoMode.contains("subnetwork"), autoMode);

    vpc.createConnectorAsync(PARENT, "first", onRange("10.8.0.0/28")).get();
    String clash = refused(onRange("10.8.0.0/28"), "second");
    assertTrue(clash.contains(PARENT + "/connectors/first"), clash);

    // The same range in another network is fine.
    customNetworkWithSubnet("unrelated", "10.60.0.0/24");
    vpc.createConnectorAsync(
            PARENT, "other-net", onRange("10.8.0.0/28").toBuilder().setNetwork("vpc").build())
        .get();
  }

  @Test
  void duplicateIsAlreadyExistsAndMissingIsNotFound() throws Exception {
    vpc.createConnectorAsync(PARENT, "dup", onRange("10.8.0.0/28")).get();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> vpc.createConnectorAsync(PARENT, "dup", onRange("10.8.0.16/28")).get());
    assertInstanceOf(AbortedException.class, e.getCause());
    assertTrue(ErrorBodies.of(e).contains("\"status\":\"ALREADY_EXISTS\""), ErrorBodies.of(e));

    assertThrows(NotFoundException.class, () -> vpc.getConnector(PARENT + "/connectors/nope"));
    assertThrows(
        ExecutionException.class,
        () -> vpc.deleteConnectorAsync(PARENT + "/connectors/nope").get());
  }

  @Test
  void failingCreateIsRaisedAndFreesTheRange() throws Exception {
    cloud.faults().failOperation(PARENT + "/connectors/doomed", "no capacity");
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> vpc.createConnectorAsync(PARENT, "doomed", onRange("10.8.0.0/28")).get());
    assertTrue(e.getMessage().contains("no capacity"), e.getMessage());
    assertThrows(NotFoundException.class, () -> vpc.getConnector(PARENT + "/connectors/doomed"));
    vpc.createConnectorAsync(PARENT, "next", onRange("10.8.0.0/28")).get();
  }

  @Test
  void deleteOvertakesAnUnfinishedCreateAndASecondDeleteIsRefused() throws Exception {
    try (LocalCloud slow =
            LocalCloud.builder()
                .duration("vpcaccess.create", Duration.ofMinutes(1))
                .duration("vpcaccess.delete", Duration.ofMillis(500))
                .start();
        VpcAccessServiceClient client = OfficialClients.vpcAccess(slow)) {
      String name = PARENT + "/connectors/overtaken";
      OperationFuture<Connector, OperationMetadata> creating =
          client.createConnectorAsync(PARENT, "overtaken", onRange("10.8.0.0/28"));
      creating.getInitialFuture().get();

      OperationFuture<Empty, OperationMetadata> deleting = client.deleteConnectorAsync(name);
      deleting.getInitialFuture().get();
      assertEquals(Connector.State.DELETING, client.getConnector(name).getState());
      ExecutionException second =
          assertThrows(ExecutionException.class, () -> client.deleteConnectorAsync(name).get());
      String body = ErrorBodies.of(second);
      assertTrue(body.contains("FAILED_PRECONDITION") && body.contains("already"), body);

      ExecutionException create = assertThrows(ExecutionException.class, creating::get);
      assertInstanceOf(AbortedException.class, create.getCause());
      deleting.get();
      assertThrows(NotFoundException.class, () -> client.getConnector(name));
    }
  }
}
