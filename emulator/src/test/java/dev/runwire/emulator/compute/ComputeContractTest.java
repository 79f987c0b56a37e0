package dev.runwire.emulator.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.InsertNetworkRequest;
import com.google.cloud.compute.v1.ListFirewallsRequest;
import com.google.cloud.compute.v1.ListNetworksRequest;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RouterNatSubnetworkToNat;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.ErrorBodies;
import dev.runwire.emulator.LocalCloud;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compute v1 through the official Java clients, on the instant profile. */
class ComputeContractTest {

  private static final String P = "demo-project";
  private static final String REGION = "us-central1";

  @RegisterExtension static final CloudFixture local = new CloudFixture(b -> b.profile("instant"));

  private static LocalCloud cloud;
  private static ComputeClients compute;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    compute = local.open(ComputeClients::new);
  }

  static Network custom(String name) {
    return Network.newBuilder().setName(name).setAutoCreateSubnetworks(false).build();
  }

  static Subnetwork subnet(String name, String network, String cidr) {
    return Subnetwork.newBuilder()
        .setName(name)
        .setNetwork("projects/" + P + "/global/networks/" + network)
        .setIpCidrRange(cidr)
        .build();
  }

  private static RouterNat listNat(String name, String... subnets) {
    RouterNat.Builder nat =
        RouterNat.newBuilder()
            .setName(name)
            .setSourceSubnetworkIpRangesToNat("LIST_OF_SUBNETWORKS")
            .setNatIpAllocateOption("AUTO_ONLY");
    for (String s : subnets) {
      nat.addSubnetworks(
          RouterNatSubnetworkToNat.newBuilder().setName(s).addSourceIpRangesToNat("ALL_IP_RANGES"));
    }
    return nat.build();
  }

  private static RouterNat allNat(String name) {
    return RouterNat.newBuilder()
        .setName(name)
        .setSourceSubnetworkIpRangesToNat("ALL_SUBNETWORKS_ALL_IP_RANGES")
        .setNatIpAllocateOption("AUTO_ONLY")
        .build();
  }

  private static Router router(String name, String network, RouterNat... nats) {
    return Router.newBuilder()
        .setName(name)
        .setNetwork("global/networks/" + network)
        .addAllNats(List.of(nats))
        .build();
  }

  private static ExecutionException failure(java.util.concurrent.Callable<?> call) {
    return assertThrows(ExecutionException.class, call::call);
  }

  @Test
  void freshProjectHasTheDefaultNetworkWithItsSubnetsAndFirewallRules() {
    Network network = compute.networks.get("brand-new-project", "default");
    assertTrue(network.getAutoCreateSubnetworks());
    assertEquals("compute#network", network.getKind());
    assertTrue(network.getId() > 0);
    assertTrue(
        network
            .getSubnetworksList()
            .contains(
                "https://www.googleapis.com/compute/v1/projects/brand-new-project/regions/us-central1/subnetworks/default"),
        network.getSubnetworksList().toString());

    Subnetwork uc1 = compute.subnetworks.get("brand-new-project", REGION, "default");
    assertEquals("10.128.0.0/20", uc1.getIpCidrRange());
    assertEquals("10.128.0.1", uc1.getGatewayAddress());
    assertFalse(uc1.getFingerprint().isEmpty());
    assertEquals(
        "10.132.0.0/20",
        compute.subnetworks.get("brand-new-project", "europe-west1", "default").getIpCidrRange());

    List<String> rules =
        StreamSupport.stream(
                compute.firewalls.list("brand-new-project").iterateAll().spliterator(), false)
            .map(Firewall::getName)
            .toList();
    assertTrue(
        rules.containsAll(
            List.of(
                "default-allow-internal",
                "default-allow-ssh",
                "default-allow-rdp",
                "default-allow-icmp")),
        rules.toString());
    Firewall internal = compute.firewalls.get("brand-new-project", "default-allow-internal");
    assertEquals(List.of("10.128.0.0/9"), internal.getSourceRangesList());
    assertEquals(65534, internal.getPriority());
  }

  @Test
  void customNetworkIsCreatedListedAndDeletedThroughOperations() throws Exception {
    Operation done = compute.networks.insertAsync(P, custom("vpc-a")).get();
    assertEquals(Operation.Status.DONE, done.getStatus());
    assertEquals("insert", done.getOperationType());
    assertTrue(done.getTargetLink().endsWith("/projects/demo-project/global/networks/vpc-a"));
    assertFalse(done.hasRegion(), "network operations are global");

    Network network = compute.networks.get(P, "vpc-a");
    assertFalse(network.getAutoCreateSubnetworks());
    assertEquals(done.getTargetId(), network.getId());
    assertEquals(
        "https://www.googleapis.com/compute/v1/projects/demo-project/global/networks/vpc-a",
        network.getSelfLink());
    assertFalse(network.getCreationTimestamp().isEmpty());
    assertEquals("REGIONAL", network.getRoutingConfig().getRoutingMode());
    assertEquals(0, network.getSubnetworksCount());

    List<String> names =
        StreamSupport.stream(compute.networks.list(P).iterateAll().spliterator(), false)
            .map(Network::getName)
            .toList();
    assertEquals(List.of("default", "vpc-a"), names);

    compute.networks.deleteAsync(P, "vpc-a").get();
    assertThrows(NotFoundException.class, () -> compute.networks.get(P, "vpc-a"));
  }

  @Test
  void autoModeNetworkGetsASubnetInEveryRegionAndTakesThemWhenDeleted() throws Exception {
    compute
        .networks
        .insertAsync(P, Network.newBuilder().setName("auto").setAutoCreateSubnetworks(true).build())
        .get();
    assertEquals("10.142.0.0/20", compute.subnetworks.get(P, "us-east1", "auto").getIpCidrRange());
    assertTrue(compute.networks.get(P, "auto").getSubnetworksCount() > 10);

    compute.networks.deleteAsync(P, "auto").get();
    assertThrows(NotFoundException.class, () -> compute.subnetworks.get(P, "us-east1", "auto"));
  }

  @Test
  void listPagesWithMaxResultsAndFiltersByName() throws Exception {
    for (String n : List.of("n1", "n2", "n3")) {
      compute.networks.insertAsync(P, custom(n)).get();
    }
    var firstPage =
        compute
            .networks
            .list(ListNetworksRequest.newBuilder().setProject(P).setMaxResults(2).build())
            .getPage();
    assertEquals(2, firstPage.getResponse().getItemsCount());
    assertTrue(firstPage.hasNextPage());
    long all =
        StreamSupport.stream(
                compute
                    .networks
                    .list(ListNetworksRequest.newBuilder().setProject(P).setMaxResults(2).build())
                    .iterateAll()
                    .spliterator(),
                false)
            .count();
    assertEquals(4, all);

    var filtered =
        compute
            .firewalls
            .list(
                ListFirewallsRequest.newBuilder()
                    .setProject(P)
                    .setFilter("name = \"default-allow-ssh\"")
                    .build())
            .getPage()
            .getResponse();
    assertEquals(1, filtered.getItemsCount());
    assertEquals("default-allow-ssh", filtered.getItems(0).getName());
  }

  @Test
  void duplicateInsertIsAlreadyExists() throws Exception {
    compute.networks.insertAsync(P, custom("dup")).get();

    ExecutionException e = failure(() -> compute.networks.insertAsync(P, custom("dup")).get());
    // gax's REST transport maps every 409 to ABORTED; the body says ALREADY_EXISTS.
    assertInstanceOf(AbortedException.class, e.getCause());
    String body = ErrorBodies.of(e);
    assertTrue(body.contains("\"status\":\"ALREADY_EXISTS\""), body);
    assertTrue(body.contains("\"reason\":\"alreadyExists\""), body);
    assertTrue(body.contains("projects/demo-project/global/networks/dup"), body);
  }

  @Test
  void missingResourcesAreNotFound() {
    NotFoundException e =
        assertThrows(NotFoundException.class, () -> compute.networks.get(P, "nope"));
    assertTrue(
        ErrorBodies.of(e)
            .contains("The resource 'projects/demo-project/global/networks/nope' was not found"));
    assertThrows(NotFoundException.class, () -> compute.subnetworks.get(P, REGION, "nope"));
    assertThrows(NotFoundException.class, () -> compute.routers.get(P, REGION, "nope"));
    assertThrows(NotFoundException.class, () -> compute.addresses.get(P, REGION, "nope"));
    assertThrows(NotFoundException.class, () -> compute.firewalls.get(P, "nope"));
    assertThrows(ExecutionException.class, () -> compute.networks.deleteAsync(P, "nope").get());
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    ExecutionException badName =
        failure(() -> compute.networks.insertAsync(P, custom("Not_A_Name")).get());
    assertInstanceOf(InvalidArgumentException.class, badName.getCause());
    assertTrue(ErrorBodies.of(badName).contains("resource.name"));

    ExecutionException legacy =
        failure(
            () ->
                compute
                    .networks
                    .insertAsync(P, Network.newBuilder().setName("legacy").build())
                    .get());
    assertTrue(ErrorBodies.of(legacy).contains("resource.autoCreateSubnetworks"));

    ExecutionException missingNetwork =
        failure(
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, REGION, subnet("s", "ghost", "10.10.0.0/24"))
                    .get());
    assertInstanceOf(InvalidArgumentException.class, missingNetwork.getCause());
    assertTrue(ErrorBodies.of(missingNetwork).contains("resource.network"));

    ExecutionException publicRange =
        failure(
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, REGION, subnet("s", "default", "8.8.8.0/24"))
                    .get());
    assertTrue(ErrorBodies.of(publicRange).contains("resource.ipCidrRange"));

    ExecutionException notAligned =
        failure(
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, REGION, subnet("s", "default", "192.168.0.7/24"))
                    .get());
    assertTrue(ErrorBodies.of(notAligned).contains("192.168.0.0/24"));

    ExecutionException badEnum =
        failure(
            () ->
                compute
                    .addresses
                    .insertAsync(
                        P,
                        REGION,
                        Address.newBuilder().setName("a").setAddressType("SOMEWHERE").build())
                    .get());
    assertTrue(ErrorBodies.of(badEnum).contains("resource.addressType"));
  }

  @Test
  void subnetPatchNeedsTheCurrentFingerprint() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("egress", "vpc", "10.10.0.0/26")).get();
    Subnetwork current = compute.subnetworks.get(P, REGION, "egress");

    Subnetwork stale =
        Subnetwork.newBuilder().setFingerprint("AAAAAAAAAAA=").setDescription("x").build();
    ExecutionException e =
        failure(() -> compute.subnetworks.patchAsync(P, REGION, "egress", stale).get());
    assertInstanceOf(FailedPreconditionException.class, e.getCause());
    assertTrue(ErrorBodies.of(e).contains("conditionNotMet"));

    Subnetwork missing = Subnetwork.newBuilder().setDescription("x").build();
    ExecutionException noFingerprint =
        failure(() -> compute.subnetworks.patchAsync(P, REGION, "egress", missing).get());
    assertInstanceOf(FailedPreconditionException.class, noFingerprint.getCause());

    Subnetwork patch =
        Subnetwork.newBuilder()
            .setFingerprint(current.getFingerprint())
            .setDescription("egress for run")
            .addSecondaryIpRanges(
                SubnetworkSecondaryRange.newBuilder()
                    .setRangeName("pods")
                    .setIpCidrRange("10.20.0.0/20"))
            .build();
    Operation done = compute.subnetworks.patchAsync(P, REGION, "egress", patch).get();
    assertEquals("patch", done.getOperationType());
    assertTrue(done.getRegion().endsWith("/regions/us-central1"), "subnet operations are regional");
    Subnetwork after = compute.subnetworks.get(P, REGION, "egress");
    assertEquals("egress for run", after.getDescription());
    assertEquals("10.10.0.0/26", after.getIpCidrRange());
    assertEquals(1, after.getSecondaryIpRangesCount());
    assertNotEquals(current.getFingerprint(), after.getFingerprint());

    ExecutionException reused =
        failure(() -> compute.subnetworks.patchAsync(P, REGION, "egress", patch).get());
    assertInstanceOf(FailedPreconditionException.class, reused.getCause());

    Subnetwork widen =
        Subnetwork.newBuilder()
            .setFingerprint(after.getFingerprint())
            .setIpCidrRange("10.10.0.0/24")
            .build();
    ExecutionException primary =
        failure(() -> compute.subnetworks.patchAsync(P, REGION, "egress", widen).get());
    assertTrue(ErrorBodies.of(primary).contains("resource.ipCidrRange"));
  }

  /**
   * Private Google Access on an existing subnet changes only through
   * subnetworks.setPrivateIpGoogleAccess (compute.v1 Subnetwork.privateIpGoogleAccess: "can be both
   * set at resource creation time and updated using setPrivateIpGoogleAccess"); a PATCH carrying a
   * changed value is refused as Compute refuses fields it cannot patch.
   */
  @Test
  void privateGoogleAccessChangesOnlyThroughSetPrivateIpGoogleAccess() throws Exception {
    compute.networks.insertAsync(P, custom("vpc-pga")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("pga", "vpc-pga", "10.40.0.0/24")).get();
    Subnetwork before = compute.subnetworks.get(P, REGION, "pga");
    assertFalse(before.getPrivateIpGoogleAccess());

    ExecutionException patched =
        failure(
            () ->
                compute
                    .subnetworks
                    .patchAsync(
                        P,
                        REGION,
                        "pga",
                        Subnetwork.newBuilder()
                            .setFingerprint(before.getFingerprint())
                            .setPrivateIpGoogleAccess(true)
                            .build())
                    .get());
    assertInstanceOf(InvalidArgumentException.class, patched.getCause());
    String body = ErrorBodies.of(patched);
    assertTrue(body.contains("Invalid value for field 'resource'"), body);
    assertTrue(
        body.contains(
            "The following field(s) specified in the request cannot be modified:"
                + " [privateIpGoogleAccess]"),
        body);

    Operation set =
        compute
            .subnetworks
            .setPrivateIpGoogleAccessAsync(
                P,
                REGION,
                "pga",
                com.google.cloud.compute.v1.SubnetworksSetPrivateIpGoogleAccessRequest.newBuilder()
                    .setPrivateIpGoogleAccess(true)
                    .build())
            .get();
    assertEquals("setPrivateIpGoogleAccess", set.getOperationType());
    assertTrue(set.getRegion().endsWith("/regions/" + REGION), set.getRegion());
    Subnetwork after = compute.subnetworks.get(P, REGION, "pga");
    assertTrue(after.getPrivateIpGoogleAccess());
    assertNotEquals(before.getFingerprint(), after.getFingerprint());
  }

  @Test
  void overlappingSubnetFailsItsOperationWithTheRealMessage() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("a", "vpc", "10.10.0.0/24")).get();

    ExecutionException e =
        failure(
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, "europe-west1", subnet("b", "vpc", "10.10.0.128/25"))
                    .get());
    // The operation is DONE with httpErrorStatusCode 400: the Java client raises it.
    assertInstanceOf(InvalidArgumentException.class, e.getCause());
    assertThrows(NotFoundException.class, () -> compute.subnetworks.get(P, "europe-west1", "b"));

    Operation failed =
        StreamSupport.stream(
                cloud.state().getAsJsonObject("compute").getAsJsonArray("operations").spliterator(),
                false)
            .map(j -> j.getAsJsonObject())
            .filter(o -> o.has("httpErrorStatusCode"))
            .map(o -> compute.regionOperations.get(P, "europe-west1", o.get("name").getAsString()))
            .findFirst()
            .orElseThrow();
    assertEquals(Operation.Status.DONE, failed.getStatus());
    assertEquals(400, failed.getHttpErrorStatusCode());
    assertEquals("BAD REQUEST", failed.getHttpErrorMessage());
    assertEquals(
        "Invalid value for field 'resource.ipCidrRange': '10.10.0.128/25'. Invalid IPCidrRange:"
            + " 10.10.0.128/25 conflicts with existing subnetwork 'a' in region 'us-central1'.",
        failed.getError().getErrors(0).getMessage());

    ExecutionException autoMode =
        failure(
            () ->
                compute
                    .subnetworks
                    .insertAsync(P, REGION, subnet("c", "default", "10.130.0.0/24"))
                    .get());
    assertInstanceOf(InvalidArgumentException.class, autoMode.getCause());
  }

  @Test
  void secondNatIsRefusedBesideAnAllSubnetworksNat() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s1", "vpc", "10.10.0.0/24")).get();
    compute.routers.insertAsync(P, REGION, router("r1", "vpc", allNat("everything"))).get();

    ExecutionException e =
        failure(
            () ->
                compute
                    .routers
                    .insertAsync(P, REGION, router("r2", "vpc", listNat("just-s1", "s1")))
                    .get());
    assertInstanceOf(InvalidArgumentException.class, e.getCause());
    String body = ErrorBodies.of(e);
    assertTrue(
        body.contains(
            "Can not create new Nats since a Nat with option ALL_SUBNETWORKS_ALL_IP_RANGES exists"),
        body);
    assertTrue(body.contains("resource.nats[0]"), body);

    // Another region of the same network is another NAT domain.
    compute.subnetworks.insertAsync(P, "us-east1", subnet("s2", "vpc", "10.11.0.0/24")).get();
    compute.routers.insertAsync(P, "us-east1", router("r3", "vpc", listNat("just-s2", "s2"))).get();
  }

  /**
   * ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES also takes every subnet of the network and region: a
   * second NAT beside it, on the same router or another, is refused the same way (message as in
   * google/osv.dev#5629, with the option that exists).
   */
  @Test
  void secondNatIsRefusedBesideAnAllPrimaryRangesNat() throws Exception {
    compute.networks.insertAsync(P, custom("vpc-primary")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("p1", "vpc-primary", "10.20.0.0/24")).get();
    RouterNat allPrimary =
        allNat("primaries").toBuilder()
            .setSourceSubnetworkIpRangesToNat("ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES")
            .build();
    compute.routers.insertAsync(P, REGION, router("rp1", "vpc-primary", allPrimary)).get();

    ExecutionException sameRouter =
        failure(
            () ->
                compute
                    .routers
                    .patchAsync(
                        P,
                        REGION,
                        "rp1",
                        Router.newBuilder()
                            .addNats(allPrimary)
                            .addNats(listNat("just-p1", "p1"))
                            .build())
                    .get());
    String body = ErrorBodies.of(sameRouter);
    assertTrue(
        body.contains(
            "Invalid value for field 'resource.nats[1].sourceSubnetworkIpRangesToNat':"
                + " 'LIST_OF_SUBNETWORKS'. Can not create new Nats since a Nat with option"
                + " ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES exists."),
        body);

    ExecutionException otherRouter =
        failure(
            () ->
                compute
                    .routers
                    .insertAsync(P, REGION, router("rp2", "vpc-primary", listNat("n", "p1")))
                    .get());
    assertTrue(
        ErrorBodies.of(otherRouter)
            .contains("a Nat with option ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES exists"),
        ErrorBodies.of(otherRouter));
  }

  /**
   * Routers have no fingerprint and PATCH is a JSON merge patch, so two writers that each read the
   * router and send their own {@code nats} list lose one entry without any error (Terraform
   * serialises google_compute_router_nat with a mutex for this reason). Only a re-read shows it.
   */
  @Test
  void twoWritersOfOneRoutersNatsLoseAnUpdateWithoutAnError() throws Exception {
    compute.networks.insertAsync(P, custom("vpc-shared")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("sa", "vpc-shared", "10.30.0.0/24")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("sb", "vpc-shared", "10.31.0.0/24")).get();
    compute.routers.insertAsync(P, REGION, router("shared", "vpc-shared")).get();

    Router readByA = compute.routers.get(P, REGION, "shared");
    Router readByB = compute.routers.get(P, REGION, "shared");
    // compute.v1.Router has no fingerprint field at all: nothing for a writer to send.
    assertEquals(null, Router.getDescriptor().findFieldByName("fingerprint"));
    compute
        .routers
        .patchAsync(
            P,
            REGION,
            "shared",
            Router.newBuilder()
                .addAllNats(readByA.getNatsList())
                .addNats(listNat("nat-a", "sa"))
                .build())
        .get();
    Operation second =
        compute
            .routers
            .patchAsync(
                P,
                REGION,
                "shared",
                Router.newBuilder()
                    .addAllNats(readByB.getNatsList())
                    .addNats(listNat("nat-b", "sb"))
                    .build())
            .get();

    assertEquals(Operation.Status.DONE, second.getStatus());
    assertFalse(second.hasHttpErrorStatusCode());
    assertEquals(
        List.of("nat-b"),
        compute.routers.get(P, REGION, "shared").getNatsList().stream()
            .map(RouterNat::getName)
            .toList());
  }

  @Test
  void natReferencesMustExist() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    ExecutionException missingSubnet =
        failure(
            () ->
                compute
                    .routers
                    .insertAsync(P, REGION, router("r", "vpc", listNat("n", "ghost")))
                    .get());
    assertTrue(ErrorBodies.of(missingSubnet).contains("resource.nats[0].subnetworks[0].name"));

    RouterNat manual =
        allNat("n").toBuilder()
            .setNatIpAllocateOption("MANUAL_ONLY")
            .addNatIps("regions/us-central1/addresses/ghost")
            .build();
    ExecutionException missingAddress =
        failure(() -> compute.routers.insertAsync(P, REGION, router("r", "vpc", manual)).get());
    assertTrue(ErrorBodies.of(missingAddress).contains("resource.nats[0].natIps[0]"));

    ExecutionException missingNetwork =
        failure(() -> compute.routers.insertAsync(P, REGION, router("r", "ghost")).get());
    assertTrue(ErrorBodies.of(missingNetwork).contains("resource.network"));
  }

  @Test
  void routerPatchWithNatsReplacesTheWholeList() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s1", "vpc", "10.10.0.0/24")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s2", "vpc", "10.11.0.0/24")).get();
    compute
        .routers
        .insertAsync(
            P,
            REGION,
            router("r", "vpc", listNat("nat-1", "s1"), listNat("nat-2", "s2")).toBuilder()
                .setDescription("keeps")
                .build())
        .get();

    Router patch = Router.newBuilder().addNats(listNat("nat-3", "s2")).build();
    Operation done = compute.routers.patchAsync(P, REGION, "r", patch).get();
    assertEquals("patch", done.getOperationType());

    Router after = compute.routers.get(P, REGION, "r");
    assertEquals(List.of("nat-3"), after.getNatsList().stream().map(RouterNat::getName).toList());
    assertEquals("keeps", after.getDescription());
    assertTrue(after.getNats(0).getSubnetworks(0).getName().endsWith("/subnetworks/s2"));
  }

  @Test
  void staticAddressIsInUseWhileANatUsesIt() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute
        .addresses
        .insertAsync(P, REGION, Address.newBuilder().setName("egress-ip").build())
        .get();
    Address reserved = compute.addresses.get(P, REGION, "egress-ip");
    assertEquals("EXTERNAL", reserved.getAddressType());
    assertEquals("RESERVED", reserved.getStatus());
    assertEquals("PREMIUM", reserved.getNetworkTier());
    assertTrue(reserved.getAddress().startsWith("203.0.113."), reserved.getAddress());

    RouterNat manual =
        allNat("nat").toBuilder()
            .setNatIpAllocateOption("MANUAL_ONLY")
            .addNatIps(reserved.getSelfLink())
            .build();
    compute.routers.insertAsync(P, REGION, router("r", "vpc", manual)).get();
    Address used = compute.addresses.get(P, REGION, "egress-ip");
    assertEquals("IN_USE", used.getStatus());
    assertEquals(List.of(compute.routers.get(P, REGION, "r").getSelfLink()), used.getUsersList());

    ExecutionException inUse =
        failure(() -> compute.addresses.deleteAsync(P, REGION, "egress-ip").get());
    assertInstanceOf(InvalidArgumentException.class, inUse.getCause());

    compute
        .routers
        .patchAsync(P, REGION, "r", Router.newBuilder().addNats(allNat("nat")).build())
        .get();
    assertEquals("RESERVED", compute.addresses.get(P, REGION, "egress-ip").getStatus());
    compute.addresses.deleteAsync(P, REGION, "egress-ip").get();
    assertThrows(NotFoundException.class, () -> compute.addresses.get(P, REGION, "egress-ip"));
  }

  @Test
  void internalAddressComesFromItsSubnet() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("small", "vpc", "10.20.0.0/28")).get();
    Address in =
        Address.newBuilder()
            .setName("internal")
            .setAddressType("INTERNAL")
            .setSubnetwork("regions/us-central1/subnetworks/small")
            .build();
    compute.addresses.insertAsync(P, REGION, in).get();
    Address got = compute.addresses.get(P, REGION, "internal");
    assertEquals("10.20.0.2", got.getAddress());
    assertEquals("GCE_ENDPOINT", got.getPurpose());

    ExecutionException busy =
        failure(() -> compute.subnetworks.deleteAsync(P, REGION, "small").get());
    assertTrue(busy.getCause().getMessage().contains("BAD REQUEST"), busy.getCause().getMessage());
  }

  @Test
  void firewallRulesAreCreatedPatchedAndDeleted() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    Firewall rule =
        Firewall.newBuilder()
            .setName("allow-redis")
            .setNetwork("global/networks/vpc")
            .addSourceRanges("10.8.0.0/28")
            .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
            .build();
    Operation done = compute.firewalls.insertAsync(P, rule).get();
    assertFalse(done.hasRegion(), "firewall operations are global");

    Firewall got = compute.firewalls.get(P, "allow-redis");
    assertEquals("INGRESS", got.getDirection());
    assertEquals(1000, got.getPriority());
    assertTrue(got.getNetwork().endsWith("/global/networks/vpc"));

    compute
        .firewalls
        .patchAsync(
            P,
            "allow-redis",
            Firewall.newBuilder()
                .addSourceRanges("10.9.0.0/26")
                .addSourceRanges("10.8.0.0/28")
                .build())
        .get();
    Firewall patched = compute.firewalls.get(P, "allow-redis");
    assertEquals(List.of("10.9.0.0/26", "10.8.0.0/28"), patched.getSourceRangesList());
    assertEquals(List.of("6379"), patched.getAllowed(0).getPortsList());

    Firewall both =
        rule.toBuilder()
            .setName("both")
            .addDenied(Denied.newBuilder().setIPProtocol("udp"))
            .build();
    ExecutionException e = failure(() -> compute.firewalls.insertAsync(P, both).get());
    assertInstanceOf(InvalidArgumentException.class, e.getCause());

    ExecutionException badPort =
        failure(
            () ->
                compute
                    .firewalls
                    .insertAsync(
                        P,
                        rule.toBuilder()
                            .setName("bad-port")
                            .setAllowed(
                                0, Allowed.newBuilder().setIPProtocol("tcp").addPorts("99999"))
                            .build())
                    .get());
    assertTrue(ErrorBodies.of(badPort).contains("resource.allowed[0].ports"));

    compute.firewalls.deleteAsync(P, "allow-redis").get();
    assertThrows(NotFoundException.class, () -> compute.firewalls.get(P, "allow-redis"));
  }

  @Test
  void networkInUseCannotBeDeleted() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s", "vpc", "10.10.0.0/24")).get();
    ExecutionException e = failure(() -> compute.networks.deleteAsync(P, "vpc").get());
    assertInstanceOf(InvalidArgumentException.class, e.getCause());
    compute.subnetworks.deleteAsync(P, REGION, "s").get();
    compute.networks.deleteAsync(P, "vpc").get();
  }

  @Test
  void sameRequestIdAnswersTheSameOperation() throws Exception {
    String requestId = UUID.randomUUID().toString();
    InsertNetworkRequest request =
        InsertNetworkRequest.newBuilder()
            .setProject(P)
            .setNetworkResource(custom("once"))
            .setRequestId(requestId)
            .build();
    Operation first = compute.networks.insertAsync(request).get();
    Operation again = compute.networks.insertAsync(request).get();
    assertEquals(first.getName(), again.getName());
    assertEquals(first.getId(), again.getId());
    assertEquals(2, compute.networks.list(P).getPage().getResponse().getItemsCount());

    ExecutionException badId =
        failure(
            () ->
                compute
                    .networks
                    .insertAsync(request.toBuilder().setRequestId("not-a-uuid").build())
                    .get());
    assertTrue(ErrorBodies.of(badId).contains("requestId"));
  }

  @Test
  void regionalResourcesAreListedUpdatedAndDeleted() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s1", "vpc", "10.10.0.0/24")).get();
    compute.addresses.insertAsync(P, REGION, Address.newBuilder().setName("ip-1").build()).get();
    compute.routers.insertAsync(P, REGION, router("r1", "vpc")).get();

    List<String> subnets =
        StreamSupport.stream(compute.subnetworks.list(P, REGION).iterateAll().spliterator(), false)
            .map(Subnetwork::getName)
            .toList();
    assertEquals(List.of("default", "s1"), subnets);
    assertEquals(
        List.of("ip-1"),
        StreamSupport.stream(compute.addresses.list(P, REGION).iterateAll().spliterator(), false)
            .map(Address::getName)
            .toList());
    assertEquals(
        List.of("r1"),
        StreamSupport.stream(compute.routers.list(P, REGION).iterateAll().spliterator(), false)
            .map(Router::getName)
            .toList());
    assertEquals(0, compute.routers.list(P, "us-east1").getPage().getResponse().getItemsCount());

    // PUT replaces the router: what the body leaves out is gone.
    Router current = compute.routers.get(P, REGION, "r1");
    Router replaced =
        current.toBuilder().setDescription("updated").addNats(listNat("nat", "s1")).build();
    Operation updated = compute.routers.updateAsync(P, REGION, "r1", replaced).get();
    assertEquals("update", updated.getOperationType());
    assertEquals("updated", compute.routers.get(P, REGION, "r1").getDescription());
    compute.routers.updateAsync(P, REGION, "r1", current.toBuilder().clearNats().build()).get();
    Router cleared = compute.routers.get(P, REGION, "r1");
    assertEquals(0, cleared.getNatsCount());
    assertEquals("", cleared.getDescription());

    Firewall rule =
        Firewall.newBuilder()
            .setName("fw")
            .setNetwork("global/networks/vpc")
            .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
            .setDescription("first")
            .build();
    compute.firewalls.insertAsync(P, rule).get();
    compute
        .firewalls
        .updateAsync(P, "fw", rule.toBuilder().clearDescription().setPriority(900).build())
        .get();
    Firewall fw = compute.firewalls.get(P, "fw");
    assertEquals(900, fw.getPriority());
    assertEquals("", fw.getDescription());

    compute.routers.deleteAsync(P, REGION, "r1").get();
    assertThrows(NotFoundException.class, () -> compute.routers.get(P, REGION, "r1"));
    compute.addresses.deleteAsync(P, REGION, "ip-1").get();
    compute.subnetworks.deleteAsync(P, REGION, "s1").get();
    assertEquals(
        List.of("default"),
        StreamSupport.stream(compute.subnetworks.list(P, REGION).iterateAll().spliterator(), false)
            .map(Subnetwork::getName)
            .toList());
  }

  @Test
  void outOfBandChangesShowAsDrift() throws Exception {
    compute.networks.insertAsync(P, custom("vpc")).get();
    compute.subnetworks.insertAsync(P, REGION, subnet("s1", "vpc", "10.10.0.0/24")).get();
    compute.routers.insertAsync(P, REGION, router("r", "vpc", listNat("nat", "s1"))).get();
    String fingerprint = compute.subnetworks.get(P, REGION, "s1").getFingerprint();
    cloud.resetLog();

    cloud.changeOutOfBand("projects/demo-project/regions/us-central1/routers/r", "{\"nats\":[]}");
    cloud.changeOutOfBand(
        "projects/demo-project/regions/us-central1/subnetworks/s1",
        "{\"privateIpGoogleAccess\":true}");

    assertEquals(0, compute.routers.get(P, REGION, "r").getNatsCount());
    Subnetwork drifted = compute.subnetworks.get(P, REGION, "s1");
    assertTrue(drifted.getPrivateIpGoogleAccess());
    assertNotEquals(fingerprint, drifted.getFingerprint());
    assertEquals(0, cloud.counters().get("compute").mutations(), "admin changes are not API calls");
  }
}
