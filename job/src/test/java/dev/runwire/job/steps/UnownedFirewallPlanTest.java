package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.FIREWALL;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A firewall rule with the request's name that runwire did not create is never changed: apply stops
 * with NotOwned, and plan says so instead of "would update" (one check for both, as for a service's
 * EnvConflict).
 */
class UnownedFirewallPlanTest {

  static final String PROJECT = "demo-project";
  static final String NETWORK = "projects/demo-project/global/networks/runwire-net";

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @Test
  void planSaysApplyWouldStopOnAnUnownedRuleAndApplyDoes() throws Exception {
    harness.customNetwork(PROJECT, "runwire-net");
    harness.runSteps(request("apply"), REDIS_INSTANCE);
    insert(
        Firewall.newBuilder()
            .setName("deny-all-egress")
            .setNetwork(NETWORK)
            .setDirection("EGRESS")
            .setPriority(900)
            .addDestinationRanges("0.0.0.0/0")
            .addDenied(Denied.newBuilder().setIPProtocol("all"))
            .build());
    // Someone else's rule under the name the request gives runwire's allow.
    insert(
        Firewall.newBuilder()
            .setName("allow-visitor-counter-redis")
            .setNetwork(NETWORK)
            .setDirection("EGRESS")
            .setPriority(1000)
            .setDescription("the platform team's rule")
            .addDestinationRanges("10.0.0.0/8")
            .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("22"))
            .build());
    harness.cloud.resetLog();

    StepOutcome plan = harness.runStep(FIREWALL, request("plan"));

    assertEquals(Status.SUCCEEDED, plan.status(), plan::message);
    assertTrue(
        plan.message().startsWith("apply would stop: " + Reasons.NOT_OWNED + ": "), plan.message());
    assertTrue(plan.message().contains("not created by runwire"), plan.message());
    assertEquals(List.of(), harness.mutations());

    StepOutcome apply = harness.runStep(FIREWALL, request("apply"));

    assertEquals(Status.FAILED, apply.status(), apply::message);
    assertEquals(Reasons.NOT_OWNED, apply.error().code());
    assertTrue(plan.message().endsWith(apply.message()), plan.message() + " / " + apply.message());
    assertEquals(List.of(), harness.mutations());
  }

  private static void insert(Firewall rule) throws Exception {
    harness.clients.firewalls().insertAsync(PROJECT, rule).get();
  }

  private static ProvisioningRequest request(String mode) {
    return TestRequests.tweak(
        TestRequests.directVpcJson(true), json -> json.addProperty("mode", mode));
  }
}
