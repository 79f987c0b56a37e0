package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.FIREWALL;
import static dev.runwire.job.engine.StepKind.NETWORK;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.gson.JsonObject;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Compute and VPC Access steps, each three ways: absent, equal, drifted. */
class ComputeStepsTest {

  static final String PROJECT = "demo-project";
  static final String REGION = "europe-west1";
  static final String ROUTER =
      "projects/demo-project/regions/europe-west1/routers/visitor-counter-router";
  static final String SUBNET = "projects/demo-project/regions/europe-west1/subnetworks/run-egress";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @BeforeEach
  void freshProjectWithACustomNetwork() throws Exception {
    harness.cloud.reset();
    harness.customNetwork(PROJECT, "runwire-net");
    harness.cloud.resetLog();
  }

  @Test
  void existingNetworkIsCheckedWithoutAnyMutation() {
    StepOutcome outcome = harness.runStep(NETWORK, request("apply", r -> {}));

    assertEquals(Action.NONE, outcome.action(), outcome::message);
    assertEquals(List.of(), harness.mutations());
  }

  /**
   * Private Google Access changes only through subnetworks.setPrivateIpGoogleAccess: Compute
   * refuses it in a PATCH (GCP-FACTS). This test used to assert a PATCH, the non-Google behaviour.
   */
  @Test
  void egressSubnetIsCreatedLeftAloneAndPrivateGoogleAccessIsSetThroughItsOwnMethod() {
    assertEquals(Action.CREATE, run(EGRESS_SUBNET, "apply").action());
    assertTrue(
        subnet().getPrivateIpGoogleAccess(),
        "all-traffic Direct VPC egress needs Private Google Access");
    harness.cloud.resetLog();
    assertUnchanged(EGRESS_SUBNET);

    harness.cloud.changeOutOfBand(SUBNET, "{\"privateIpGoogleAccess\":false}");
    assertDrifted(EGRESS_SUBNET, new FieldDiff("privateIpGoogleAccess", "false", "true"));
    StepOutcome patched = run(EGRESS_SUBNET, "apply");

    assertEquals(Action.UPDATE, patched.action(), patched::message);
    assertTrue(subnet().getPrivateIpGoogleAccess());
    assertEquals(1, harness.mutations().size(), harness.mutations()::toString);
    assertEquals("POST", harness.mutations().get(0).method());
    assertTrue(
        harness
            .mutations()
            .get(0)
            .path()
            .endsWith("/subnetworks/run-egress/setPrivateIpGoogleAccess"),
        harness.mutations().get(0).path());
  }

  /**
   * Memorystore is reached over peering: only an EGRESS deny can block the way, so no rule is made
   * until one does; then the narrowest allow one priority above it, for the workload's tag, to the
   * Redis range and port. This test used to expect an INGRESS rule on every apply, which does
   * nothing for Redis and opens the port on every VM (GCP-FACTS, Firewall).
   */
  @Test
  void egressAllowIsMadeOnlyAboveABlockingEgressDenyAndDestroyDeletesOnlyOurs() throws Exception {
    RunResult first = harness.runSteps(request("apply", r -> {}), REDIS_INSTANCE, FIREWALL);
    StepOutcome notNeeded = first.outcome(FIREWALL);
    assertEquals(Action.NONE, notNeeded.action(), notNeeded::message);
    assertTrue(notNeeded.message().startsWith("not needed"), notNeeded.message());
    assertTrue(
        harness.mutations().stream().noneMatch(m -> m.path().contains("/firewalls")),
        harness.mutations()::toString);

    String redisRange =
        harness
            .clients
            .redis()
            .getInstance("projects/demo-project/locations/europe-west1/instances/visitor-cache")
            .getReservedIpRange();
    harness
        .clients
        .firewalls()
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("deny-all-egress")
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .setDirection("EGRESS")
                .setPriority(900)
                .addDestinationRanges("0.0.0.0/0")
                .addDenied(Denied.newBuilder().setIPProtocol("all"))
                .build())
        .get();
    harness.cloud.resetLog();

    assertDrifted(
        FIREWALL,
        new FieldDiff("direction", null, "EGRESS"),
        new FieldDiff("priority", null, "899"),
        new FieldDiff("destinationRanges", null, "[" + redisRange + "]"),
        new FieldDiff("allowed", null, "[tcp:6379]"),
        new FieldDiff("targetTags", null, "[runwire-visitor-counter]"));
    StepOutcome created = run(FIREWALL, "apply");
    assertEquals(Action.CREATE, created.action(), created::message);
    assertTrue(created.message().contains("deny-all-egress"), created.message());
    Firewall allow = harness.clients.firewalls().get(PROJECT, "allow-visitor-counter-redis");
    assertEquals("EGRESS", allow.getDirection());
    assertEquals(899, allow.getPriority());
    assertEquals(List.of(redisRange), allow.getDestinationRangesList());
    assertEquals(List.of("runwire-visitor-counter"), allow.getTargetTagsList());
    assertEquals(0, allow.getSourceRangesCount());
    assertTrue(
        allow.getDescription().startsWith(ManagedMarks.DESCRIPTION_PREFIX), allow.getDescription());
    harness.cloud.resetLog();
    assertUnchanged(FIREWALL);

    harness.cloud.changeOutOfBand(
        "projects/demo-project/global/firewalls/allow-visitor-counter-redis",
        "{\"allowed\":[{\"IPProtocol\":\"tcp\",\"ports\":[\"22\"]}]}");
    assertDrifted(FIREWALL, new FieldDiff("allowed", "[tcp:22]", "[tcp:6379]"));
    assertEquals(Action.UPDATE, run(FIREWALL, "apply").action());

    StepOutcome destroyed = run(FIREWALL, "destroy");
    assertEquals(Action.DELETE, destroyed.action(), destroyed::message);
    assertEquals(
        List.of("deny-all-egress"),
        StreamSupport.stream(
                harness.clients.firewalls().list(PROJECT).iterateAll().spliterator(), false)
            .filter(f -> f.getNetwork().endsWith("/runwire-net"))
            .map(Firewall::getName)
            .toList());
  }

  /** The default network's rules are checked too (its default rules are all INGRESS). */
  @Test
  void onTheDefaultNetworkAnEgressDenyIsFoundToo() throws Exception {
    Consumer<JsonObject> onDefault =
        json -> json.getAsJsonObject("target").addProperty("network", "default");
    harness.runSteps(request("apply", onDefault), REDIS_INSTANCE);
    assertTrue(run(FIREWALL, "apply", onDefault).message().startsWith("not needed"));
    harness
        .clients
        .firewalls()
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("deny-redis-port")
                .setNetwork("projects/demo-project/global/networks/default")
                .setDirection("EGRESS")
                .addDestinationRanges("0.0.0.0/0")
                .addDenied(Denied.newBuilder().setIPProtocol("tcp").addPorts("6000-7000"))
                .build())
        .get();

    StepOutcome created = run(FIREWALL, "apply", onDefault);

    assertEquals(Action.CREATE, created.action(), created::message);
    assertEquals(
        999, harness.clients.firewalls().get(PROJECT, "allow-visitor-counter-redis").getPriority());
  }

  @Test
  void staticAddressAndRouterAreCreatedLeftAloneAndRecreatedWhenDeletedOutOfBand()
      throws Exception {
    assertEquals(Action.CREATE, run(STATIC_ADDRESS, "apply").action());
    assertEquals(Action.CREATE, run(CLOUD_ROUTER, "apply").action());
    harness.cloud.resetLog();
    assertUnchanged(STATIC_ADDRESS);
    assertUnchanged(CLOUD_ROUTER);

    harness.clients.routers().deleteAsync(PROJECT, REGION, "visitor-counter-router").get();
    assertEquals(Status.DRIFTED, run(CLOUD_ROUTER, "drift-check").status());
    assertEquals(Action.CREATE, run(CLOUD_ROUTER, "apply").action());
  }

  @Test
  void natIsAddedUpdatedAndEveryOtherNatOnTheRouterIsKept() throws Exception {
    RunResult created =
        harness.runSteps(
            request("apply", r -> {}), EGRESS_SUBNET, STATIC_ADDRESS, CLOUD_ROUTER, CLOUD_NAT);
    assertEquals(
        Action.CREATE, created.outcome(CLOUD_NAT).action(), created.outcome(CLOUD_NAT).message());
    Subnetwork other =
        Subnetwork.newBuilder()
            .setName("batch")
            .setNetwork("projects/demo-project/global/networks/runwire-net")
            .setIpCidrRange("10.20.0.0/24")
            .build();
    harness.clients.subnetworks().insertAsync(PROJECT, REGION, other).get();
    harness.serviceRecords("cloud-nat=visitor-counter-router/visitor-counter-nat");
    Router router = harness.clients.routers().get(PROJECT, REGION, "visitor-counter-router");
    RouterNat batchNat =
        RouterNat.newBuilder()
            .setName("batch-nat")
            .setNatIpAllocateOption("AUTO_ONLY")
            .setSourceSubnetworkIpRangesToNat("LIST_OF_SUBNETWORKS")
            .addSubnetworks(
                com.google.cloud.compute.v1.RouterNatSubnetworkToNat.newBuilder()
                    .setName(SUBNET.replace("run-egress", "batch"))
                    .addSourceIpRangesToNat("ALL_IP_RANGES"))
            .build();
    RouterNat ours =
        router.getNats(0).toBuilder().clearNatIps().setNatIpAllocateOption("AUTO_ONLY").build();
    harness
        .clients
        .routers()
        .patchAsync(
            PROJECT,
            REGION,
            "visitor-counter-router",
            Router.newBuilder().addNats(ours).addNats(batchNat).build())
        .get();
    harness.cloud.resetLog();

    assertDrifted(
        CLOUD_NAT,
        new FieldDiff("natIpAllocateOption", "AUTO_ONLY", "MANUAL_ONLY"),
        new FieldDiff("natIps", "[]", "[visitor-counter-egress-ip]"));
    StepOutcome updated = run(CLOUD_NAT, "apply");

    assertEquals(Action.UPDATE, updated.action(), updated::message);
    Router after = harness.clients.routers().get(PROJECT, REGION, "visitor-counter-router");
    assertEquals(
        List.of("batch-nat", "visitor-counter-nat"),
        after.getNatsList().stream().map(RouterNat::getName).sorted().toList());
    harness.cloud.resetLog();
    assertUnchanged(CLOUD_NAT);
  }

  /**
   * A NAT with ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES on the network and region makes a second NAT
   * impossible (the local cloud refuses it with Compute's message): the preflight names it as a
   * NatClash before any router write.
   */
  @Test
  void anAllPrimaryRangesNatElsewhereStopsTheNatBeforeAnyRouterWrite() throws Exception {
    harness.runSteps(request("apply", r -> {}), EGRESS_SUBNET, STATIC_ADDRESS, CLOUD_ROUTER);
    harness
        .clients
        .routers()
        .insertAsync(
            PROJECT,
            REGION,
            Router.newBuilder()
                .setName("legacy")
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .addNats(
                    RouterNat.newBuilder()
                        .setName("primary-only")
                        .setNatIpAllocateOption("AUTO_ONLY")
                        .setSourceSubnetworkIpRangesToNat("ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES"))
                .build())
        .get();
    harness.cloud.resetLog();

    StepOutcome nat = run(CLOUD_NAT, "apply");

    assertEquals(Reasons.NAT_CLASH, nat.error().code(), nat::message);
    assertTrue(nat.message().contains("ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES"), nat.message());
    assertEquals(List.of(), harness.mutations());
  }

  /**
   * A connector's machineType and a growing instance count change in place with one PATCH and an
   * updateMask (Connector.yaml: update_verb PATCH); a shrinking count needs a new connector
   * (Connector.yaml: ForceNewIfChange on isInstanceShrinkage). This test used to expect every
   * change refused as a replacement, the non-Google behaviour.
   */
  @Test
  void connectorIsCreatedLeftAloneGrownInPlaceAndAShrinkIsRefusedAsReplacement() throws Exception {
    ProvisioningRequest apply = TestRequests.connector(false);
    RunResult created = harness.runSteps(apply, EGRESS_SUBNET, VPC_CONNECTOR);
    assertEquals(
        Action.CREATE,
        created.outcome(VPC_CONNECTOR).action(),
        created.outcome(VPC_CONNECTOR).message());
    harness.serviceRecords("vpc-connector=run-conn");
    harness.cloud.resetLog();
    assertEquals(Action.NONE, harness.runStep(VPC_CONNECTOR, apply).action());
    assertEquals(List.of(), harness.mutations());

    Consumer<JsonObject> bigger =
        json -> {
          JsonObject c = json.getAsJsonObject("egress").getAsJsonObject("connector");
          c.addProperty("maxInstances", 5);
          c.addProperty("machineType", "e2-standard-4");
        };
    StepOutcome drift =
        harness.runStep(
            VPC_CONNECTOR, tweak(TestRequests.connectorJson(false), "drift-check", bigger));
    assertEquals(Status.DRIFTED, drift.status());
    assertEquals(
        List.of(
            new FieldDiff("maxInstances", "3", "5"),
            new FieldDiff("machineType", "e2-micro", "e2-standard-4")),
        drift.diff());

    StepOutcome grown =
        harness.runStep(VPC_CONNECTOR, tweak(TestRequests.connectorJson(false), "apply", bigger));
    assertEquals(Action.UPDATE, grown.action(), grown::message);
    assertEquals(1, harness.mutations().size(), harness.mutations()::toString);
    assertEquals("PATCH", harness.mutations().get(0).method());
    assertTrue(
        harness.mutations().get(0).query().contains("updateMask=maxInstances"),
        harness.mutations().get(0).query());
    var connector =
        harness
            .clients
            .vpcAccess()
            .getConnector("projects/demo-project/locations/europe-west1/connectors/run-conn");
    assertEquals(5, connector.getMaxInstances());
    assertEquals("e2-standard-4", connector.getMachineType());
    harness.cloud.resetLog();

    StepOutcome refused = harness.runStep(VPC_CONNECTOR, apply);
    assertEquals(Reasons.NEEDS_REPLACEMENT, refused.error().code());
    assertTrue(refused.message().contains("maxInstances"), refused.message());
    assertTrue(!refused.message().contains("machineType"), refused.message());
    assertEquals(List.of(), harness.mutations());
  }

  private static StepOutcome run(StepKind kind, String mode) {
    return harness.runStep(kind, request(mode, r -> {}));
  }

  private static StepOutcome run(StepKind kind, String mode, Consumer<JsonObject> edit) {
    return harness.runStep(kind, request(mode, edit));
  }

  private static void assertUnchanged(StepKind kind) {
    StepOutcome outcome = run(kind, "apply");
    assertEquals(Action.NONE, outcome.action(), () -> kind + ": " + outcome.diff());
    assertEquals(List.of(), harness.mutations(), kind.wire());
  }

  private static void assertDrifted(StepKind kind, FieldDiff... expected) {
    harness.cloud.resetLog();
    StepOutcome outcome = run(kind, "drift-check");
    assertEquals(Status.DRIFTED, outcome.status(), outcome::message);
    assertEquals(List.of(expected), outcome.diff());
    assertEquals(List.of(), harness.mutations());
  }

  private static Subnetwork subnet() {
    return harness.clients.subnetworks().get(PROJECT, REGION, "run-egress");
  }

  private static ProvisioningRequest request(String mode, Consumer<JsonObject> edit) {
    return tweak(TestRequests.directVpcJson(true), mode, edit);
  }

  private static ProvisioningRequest tweak(
      JsonObject base, String mode, Consumer<JsonObject> edit) {
    return TestRequests.tweak(
        base,
        json -> {
          json.addProperty("mode", mode);
          edit.accept(json);
        });
  }
}
