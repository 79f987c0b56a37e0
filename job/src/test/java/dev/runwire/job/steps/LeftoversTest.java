package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an earlier request needed and the new one does not, as pruning finds it. */
class LeftoversTest {

  @Test
  void theSameRequestLeavesNothing() {
    assertEquals(
        List.of(), Leftovers.of(TestRequests.directVpc(true), TestRequests.directVpc(true)));
  }

  @Test
  void nothingIsLeftWhenRunwireNeverWiredTheService() {
    assertEquals(List.of(), Leftovers.of(null, TestRequests.directVpc(false)));
  }

  @Test
  void leavingAConnectorLeavesTheConnectorBeforeItsSubnet() {
    assertEquals(
        List.of(VPC_CONNECTOR, EGRESS_SUBNET),
        Leftovers.of(TestRequests.connector(false), TestRequests.directVpc(false)));
  }

  @Test
  void droppingTheStaticIpLeavesTheNatBeforeItsAddressAndRouter() {
    assertEquals(
        List.of(CLOUD_NAT, STATIC_ADDRESS, CLOUD_ROUTER),
        Leftovers.of(TestRequests.directVpc(true), TestRequests.directVpc(false)));
  }

  @Test
  void aRenamedRedisInstanceIsNeverALeftoverItHoldsData() {
    ProvisioningRequest renamed =
        TestRequests.tweak(
            TestRequests.directVpcJson(false),
            json -> json.getAsJsonObject("redis").addProperty("name", "other-cache"));

    assertEquals(List.of(), Leftovers.of(TestRequests.directVpc(false), renamed));
  }
}
