package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.NotFoundException;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.JobCommand;
import dev.runwire.job.testing.TestRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cloud Run keeps Direct VPC egress addresses in a subnet for 1-2 hours after the service leaves
 * it, and Compute refuses the subnet's delete until then (resourceInUseByAnotherResource; the local
 * cloud's {@code run.directvpc.release}, 3 s here). Destroy does not fail on it: the subnet is kept
 * with the expected release time, the run event lists it, and a destroy after that time deletes it.
 */
class DirectVpcDestroyTest {

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void start() throws Exception {
    cloud =
        LocalCloud.builder()
            .profile("instant")
            .imageCommand(JobConfig.LOCAL_PROBE_IMAGE, JobCommand.onTestClasspath())
            .duration("run.directvpc.release", Duration.ofSeconds(3))
            .start();
    clients = FullApplyTest.clientsOf(cloud);
    FullApplyTest.createCustomNetwork(clients, "runwire-net");
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @Test
  void aSubnetCloudRunStillHoldsIsKeptUntilItsReleaseAndDeletedByALaterDestroy() throws Exception {
    JsonObject request = TestRequests.directVpcJson(false);
    assertEquals(ExitCode.OK.code(), run("apply", request, new JobOutput()));
    JobOutput destroy = new JobOutput();

    assertEquals(ExitCode.OK.code(), run("destroy", request, destroy), destroy.stdout());

    JsonObject subnetEnd = JobRunTest.stepEnd(destroy, "egress-subnet");
    assertEquals("succeeded", subnetEnd.get("status").getAsString(), subnetEnd.toString());
    assertEquals("none", subnetEnd.get("action").getAsString());
    String message = subnetEnd.get("message").getAsString();
    assertTrue(message.startsWith("kept: subnet run-egress"), message);
    assertTrue(message.contains("run destroy again after that"), message);
    Matcher at = Pattern.compile("expected release at (\\S+):").matcher(message);
    assertTrue(at.find(), message);
    Instant release = Instant.parse(at.group(1));
    assertTrue(release.isBefore(Instant.now().plusSeconds(10)), release.toString());
    JsonObject run = destroy.events("dev.runwire.run.v1").get(0);
    assertEquals("succeeded", run.get("status").getAsString());
    JsonArray kept = run.getAsJsonArray("kept");
    assertTrue(
        kept.asList().stream()
            .map(k -> k.getAsJsonObject())
            .anyMatch(
                k ->
                    k.get("step").getAsString().equals("egress-subnet")
                        && k.get("resource").getAsString().endsWith("/subnetworks/run-egress")
                        && k.get("message").getAsString().equals(message)),
        kept.toString());
    JobRunTest.assertEventsMatchTheirSchemas(destroy);
    assertTrue(subnetExists(), "the held subnet is still there");

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), release).toMillis()) + 1500);
    JobOutput again = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("destroy", request, again), again.stdout());

    assertEquals("delete", JobRunTest.stepEnd(again, "egress-subnet").get("action").getAsString());
    assertFalse(subnetExists());
    JsonObject after = again.events("dev.runwire.run.v1").get(0);
    assertFalse(
        after.has("kept") && after.get("kept").toString().contains("egress-subnet"),
        after.toString());
  }

  private static boolean subnetExists() {
    try {
      clients.subnetworks().get(TestRequests.PROJECT, TestRequests.REGION, "run-egress");
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static int run(String mode, JsonObject request, JobOutput output) {
    JsonObject copy = request.deepCopy();
    copy.addProperty("mode", mode);
    return JobRunTest.run(cloud, copy, output);
  }
}
