package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.TestRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transient errors from every API (429, 503, Compute's 403 rateLimitExceeded) are retried with
 * backoff; permanent ones fail the step with the API's message.
 */
class TransientFaultsTest {

  @Test
  void aWholeApplySucceedsThroughTransientErrorsOnEveryApi() throws Exception {
    try (LocalCloud cloud = JobRunTest.startCloud();
        CloudClients clients = FullApplyTest.clientsOf(cloud)) {
      FullApplyTest.createCustomNetwork(clients, "runwire-net");
      cloud.faults().reseed(7).errorRate("*", 0.25).errorRate("compute", 0.5);
      cloud.resetLog();
      JobOutput output = new JobOutput();

      // One step at a time, so the seeded faults hit the same requests on every run.
      int code =
          JobRunTest.run(
              cloud,
              TestRequests.connectorJson(true),
              output,
              Map.of("RUNWIRE_PARALLELISM", "1", "RUNWIRE_RETRY_INITIAL_DELAY", "PT0.02S"));

      assertEquals(ExitCode.OK.code(), code, output.stdout());
      List<Integer> transientStatuses =
          cloud.requestLog().stream()
              .map(RecordedRequest::status)
              .filter(s -> s == 429 || s == 503 || s == 403)
              .toList();
      assertTrue(
          transientStatuses.size() >= 5, "the faults were not exercised: " + transientStatuses);
      assertTrue(
          cloud.requestLog().stream().anyMatch(r -> r.api().equals("compute") && r.status() == 403),
          "Compute's rate limit (403 rateLimitExceeded) was not exercised");
    }
  }

  @Test
  void aPermanentErrorFailsTheStepWithTheApisMessage() throws Exception {
    try (LocalCloud cloud = JobRunTest.startCloud();
        CloudClients clients = FullApplyTest.clientsOf(cloud)) {
      FullApplyTest.createCustomNetwork(clients, "runwire-net");
      // 10.8.0.0/26 overlaps a subnet that is already there: Compute fails the insert operation.
      clients
          .subnetworks()
          .insertAsync(
              "demo-project",
              "europe-west1",
              com.google.cloud.compute.v1.Subnetwork.newBuilder()
                  .setName("already-here")
                  .setNetwork("projects/demo-project/global/networks/runwire-net")
                  .setIpCidrRange("10.8.0.0/24")
                  .build())
          .get();
      JobOutput output = new JobOutput();

      int code = JobRunTest.run(cloud, TestRequests.directVpcJson(false), output);

      assertEquals(ExitCode.STEP_FAILED.code(), code);
      String message =
          JobRunTest.stepEnd(output, "egress-subnet")
              .getAsJsonObject("error")
              .get("message")
              .getAsString();
      assertTrue(message.contains("already-here"), message);
    }
  }
}
