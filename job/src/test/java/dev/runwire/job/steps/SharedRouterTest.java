package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two requests that share {@code staticEgressIp.routerName} add their NATs to one router at the
 * same time. Routers have no fingerprint and a PATCH of {@code nats} replaces the list (GCP-FACTS;
 * the local cloud loses the earlier writer's entry just like Compute, see its contract test), so
 * without re-reading after the write one NAT is regularly lost. Router operations take 150 ms here
 * so the two writes overlap, and a tenth of Compute requests fail transiently.
 */
class SharedRouterTest {

  private static final int ROUNDS = 8;
  private static final String PROJECT = TestRequests.PROJECT;
  private static final String REGION = TestRequests.REGION;
  private static final String ROUTER = "shared-router";

  static CloudHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new CloudHarness(b -> b.seed(7).duration("compute.router", Duration.ofMillis(150)));
    harness.customNetwork(PROJECT, "runwire-net");
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void twoRequestsSharingARouterBothKeepTheirNat() throws Exception {
    ProvisioningRequest a = request("svc-a", "egress-a", "10.8.0.0/26");
    ProvisioningRequest b = request("svc-b", "egress-b", "10.8.1.0/26");
    harness.runSteps(a, EGRESS_SUBNET, STATIC_ADDRESS, CLOUD_ROUTER);
    harness.runSteps(b, EGRESS_SUBNET, STATIC_ADDRESS);

    int survived = 0;
    for (int round = 0; round < ROUNDS; round++) {
      harness.cloud.faults().errorRate("compute", 0.1);
      CompletableFuture<StepOutcome> natA =
          CompletableFuture.supplyAsync(() -> harness.runStep(CLOUD_NAT, a));
      CompletableFuture<StepOutcome> natB =
          CompletableFuture.supplyAsync(() -> harness.runStep(CLOUD_NAT, b));
      StepOutcome outcomeA = natA.join();
      StepOutcome outcomeB = natB.join();
      harness.cloud.faults().clear();
      boolean bothSucceeded =
          outcomeA.status() == Status.SUCCEEDED && outcomeB.status() == Status.SUCCEEDED;
      if (!bothSucceeded) {
        System.out.println(
            "round " + round + ": " + outcomeA.message() + " / " + outcomeB.message());
      }
      if (bothSucceeded && natsOnRouter().equals(List.of("svc-a-nat", "svc-b-nat"))) {
        survived++;
      }
      clearNats();
    }

    System.out.printf(
        "shared router: both steps succeeded and both NATs survived in %d of %d rounds%n",
        survived, ROUNDS);
    assertEquals(ROUNDS, survived, "rounds in which both NATs survived");
  }

  private static List<String> natsOnRouter() {
    return harness.clients.routers().get(PROJECT, REGION, ROUTER).getNatsList().stream()
        .map(RouterNat::getName)
        .sorted()
        .toList();
  }

  private static void clearNats() throws Exception {
    Router router = harness.clients.routers().get(PROJECT, REGION, ROUTER);
    harness
        .clients
        .routers()
        .updateAsync(PROJECT, REGION, ROUTER, router.toBuilder().clearNats().build())
        .get();
  }

  private static ProvisioningRequest request(String service, String subnet, String range) {
    return TestRequests.tweak(
        TestRequests.directVpcJson(false),
        json -> {
          json.getAsJsonObject("service").addProperty("name", service);
          JsonObject egress = json.getAsJsonObject("egress");
          egress.getAsJsonObject("subnet").addProperty("name", subnet);
          egress.getAsJsonObject("subnet").addProperty("range", range);
          json.add(
              "staticEgressIp",
              JsonParser.parseString("{\"enabled\":true,\"routerName\":\"" + ROUTER + "\"}"));
        });
  }
}
