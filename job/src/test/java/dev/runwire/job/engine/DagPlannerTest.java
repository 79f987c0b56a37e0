package dev.runwire.job.engine;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.FIREWALL;
import static dev.runwire.job.engine.StepKind.NETWORK;
import static dev.runwire.job.engine.StepKind.PROBE_JOB;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_CA_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DagPlannerTest {

  @Test
  void directVpcWithoutStaticIpPlansSubnetRedisFirewallServiceVerify() {
    Plan plan = DagPlanner.plan(TestRequests.directVpc(false));

    assertEquals(
        List.of(
            NETWORK, EGRESS_SUBNET, REDIS_INSTANCE, FIREWALL, CLOUD_RUN_SERVICE, PROBE_JOB, VERIFY),
        plan.order());
    assertEquals(Set.of(NETWORK), plan.node(EGRESS_SUBNET).dependsOn());
    assertEquals(Set.of(NETWORK), plan.node(REDIS_INSTANCE).dependsOn());
    assertEquals(
        Set.of(EGRESS_SUBNET, REDIS_INSTANCE, FIREWALL), plan.node(CLOUD_RUN_SERVICE).dependsOn());
    // verify runs the probe job, which copies the service's network settings.
    assertEquals(Set.of(CLOUD_RUN_SERVICE), plan.node(PROBE_JOB).dependsOn());
    assertEquals(Set.of(PROBE_JOB), plan.node(VERIFY).dependsOn());
  }

  @Test
  void driftCheckPlansTheProbeJobOnlyWithVerifyAndTlsPlansTheCaSecret() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.addProperty("mode", "drift-check");
    assertFalse(DagPlanner.plan(TestRequests.of(json)).contains(PROBE_JOB));
    json.addProperty("verify", true);
    assertEquals(
        Set.of(PROBE_JOB), DagPlanner.plan(TestRequests.of(json)).node(VERIFY).dependsOn());

    JsonObject tls = TestRequests.directVpcJson(false);
    tls.getAsJsonObject("redis").addProperty("transitEncryption", "SERVER_AUTHENTICATION");
    Plan plan = DagPlanner.plan(TestRequests.of(tls));
    assertEquals(Set.of(REDIS_INSTANCE), plan.node(REDIS_CA_SECRET).dependsOn());
    assertTrue(plan.node(CLOUD_RUN_SERVICE).dependsOn().contains(REDIS_CA_SECRET));
  }

  @Test
  void staticEgressIpAddsAddressRouterAndNatOnTheEgressSubnet() {
    Plan plan = DagPlanner.plan(TestRequests.directVpc(true));

    assertEquals(Set.of(), plan.node(STATIC_ADDRESS).dependsOn());
    assertEquals(Set.of(NETWORK), plan.node(CLOUD_ROUTER).dependsOn());
    assertEquals(
        Set.of(STATIC_ADDRESS, CLOUD_ROUTER, EGRESS_SUBNET), plan.node(CLOUD_NAT).dependsOn());
    assertTrue(plan.node(CLOUD_RUN_SERVICE).dependsOn().contains(CLOUD_NAT));
  }

  @Test
  void connectorModeAddsTheConnectorOnItsSubnetBeforeTheService() {
    Plan plan = DagPlanner.plan(TestRequests.connector(false));

    assertEquals(Set.of(EGRESS_SUBNET), plan.node(VPC_CONNECTOR).dependsOn());
    assertTrue(plan.node(CLOUD_RUN_SERVICE).dependsOn().contains(VPC_CONNECTOR));
    assertFalse(plan.contains(CLOUD_NAT));
  }

  @Test
  void connectorWithBareRangeHasNoEgressSubnetStep() {
    JsonObject json = TestRequests.connectorJson(false);
    json.getAsJsonObject("egress").getAsJsonObject("connector").remove("subnet");
    json.getAsJsonObject("egress").getAsJsonObject("connector").addProperty("range", "10.9.0.0/28");

    Plan plan = DagPlanner.plan(TestRequests.of(json));

    assertFalse(plan.contains(EGRESS_SUBNET));
    assertEquals(Set.of(NETWORK), plan.node(VPC_CONNECTOR).dependsOn());
  }

  @Test
  void authEnabledAddsTheSecretBetweenRedisAndService() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("redis").addProperty("authEnabled", true);

    Plan plan = DagPlanner.plan(TestRequests.of(json));

    assertEquals(Set.of(REDIS_INSTANCE), plan.node(REDIS_AUTH_SECRET).dependsOn());
    assertTrue(plan.node(CLOUD_RUN_SERVICE).dependsOn().contains(REDIS_AUTH_SECRET));
  }

  @Test
  void defaultNetworkNeedsNoFirewallRule() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("target").addProperty("network", "default");

    assertFalse(DagPlanner.plan(TestRequests.of(json)).contains(FIREWALL));
  }

  @Test
  void destroyRunsTheGraphReversedWithoutVerify() {
    Plan plan = DagPlanner.plan(TestRequests.directVpc(true).withMode(Mode.DESTROY));

    assertFalse(plan.contains(VERIFY));
    // The probe job goes first (deleted), then the service is handed back unwired.
    assertEquals(PROBE_JOB, plan.order().get(0));
    assertEquals(Set.of(PROBE_JOB), plan.node(CLOUD_RUN_SERVICE).dependsOn());
    assertEquals(Set.of(CLOUD_RUN_SERVICE), plan.node(CLOUD_NAT).dependsOn());
    assertEquals(Set.of(CLOUD_NAT), plan.node(STATIC_ADDRESS).dependsOn());
    assertEquals(Set.of(CLOUD_NAT), plan.node(CLOUD_ROUTER).dependsOn());
    assertEquals(
        Set.of(EGRESS_SUBNET, REDIS_INSTANCE, FIREWALL, CLOUD_ROUTER),
        plan.node(NETWORK).dependsOn());
  }

  @Test
  void aPlanListedOutOfDependencyOrderIsRefused() {
    Plan plan = DagPlanner.plan(TestRequests.directVpc(false));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plan.inOrder(List.of(CLOUD_RUN_SERVICE, NETWORK)));
    assertTrue(e.getMessage().contains("cloud-run-service is listed before"), e.getMessage());
  }
}
