package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.NotFoundException;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.runwire.job.testing.TestRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cloud Run keeps Direct VPC egress addresses in a subnet for 1-2 hours after the service leaves
 * it, and Compute refuses the subnet's delete until then (resourceInUseByAnotherResource; the local
 * cloud's {@code run.directvpc.release}, 12 s here: an apply with its probe takes about 5 s).
 * Destroy does not fail on it: the subnet is kept with the expected release time, the run event
 * lists it, and a destroy after that time deletes it. Pruning after a switch away from Direct VPC
 * meets the same hold: the service records the subnet, and a later apply or destroy deletes it once
 * Cloud Run let go.
 */
class DirectVpcDestroyTest {

  static final String SERVICE =
      "projects/demo-project/locations/europe-west1/services/visitor-counter";

  @RegisterExtension
  static final LocalCloudExtension local =
      LocalCloudExtension.withProbeJob()
          .duration("run.directvpc.release", Duration.ofSeconds(12))
          .customNetwork("runwire-net")
          .freshPerTest();

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
    assertTrue(release.isBefore(Instant.now().plusSeconds(15)), release.toString());
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

    sleepPast(release);
    JobOutput again = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("destroy", request, again), again.stdout());

    assertEquals("delete", JobRunTest.stepEnd(again, "egress-subnet").get("action").getAsString());
    assertFalse(subnetExists());
    JsonObject after = again.events("dev.runwire.run.v1").get(0);
    assertFalse(
        after.has("kept") && after.get("kept").toString().contains("egress-subnet"),
        after.toString());
  }

  @Test
  void aSubnetPruningCouldNotDeleteIsDeletedByALaterApplyOnceReleased() throws Exception {
    JsonObject connector = TestRequests.connectorJson(false);

    JobOutput switched = switchedToAConnector(connector);

    Instant release = heldUntil(switched);
    assertTrue(subnetExists(), "Cloud Run still holds the subnet");
    assertTrue(pendingPrune().contains("run-egress"), String.valueOf(pendingPrune()));
    JsonObject run = switched.events("dev.runwire.run.v1").get(0);
    assertTrue(run.get("kept").toString().contains("/subnetworks/run-egress"), run.toString());
    JobRunTest.assertEventsMatchTheirSchemas(switched);

    local.cloud().resetLog();
    JobOutput early = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("apply", connector, early), early.stdout());
    assertTrue(Instant.now().isBefore(release), early.stdout());
    heldUntil(early);
    assertEquals(
        java.util.List.of(),
        JobRunTest.changes(local.cloud()).stream()
            .filter(r -> !r.path().contains("/subnetworks/run-egress"))
            .toList(),
        "while held: only the refused delete, no rewrite of the record");

    sleepPast(release);
    JobOutput later = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("apply", connector, later), later.stdout());

    JsonObject prune = JobRunTest.stepEnd(later, "prune");
    assertEquals("delete", prune.get("action").getAsString(), prune.toString());
    assertFalse(subnetExists());
    assertEquals(null, pendingPrune(), "the record is dropped once the subnet is gone");
    local.cloud().resetLog();
    JobOutput quiet = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("apply", connector, quiet), quiet.stdout());
    assertEquals(java.util.List.of(), JobRunTest.changes(local.cloud()));
    assertTrue(
        quiet.events("dev.runwire.step.v1").stream()
            .noneMatch(e -> e.get("step").getAsString().equals("prune")));
  }

  @Test
  void aSubnetPruningCouldNotDeleteIsDeletedByALaterDestroy() throws Exception {
    JsonObject connector = TestRequests.connectorJson(false);
    JobOutput switched = switchedToAConnector(connector);
    Instant release = heldUntil(switched);

    sleepPast(release);
    JobOutput destroy = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("destroy", connector, destroy), destroy.stdout());

    assertEquals(
        "delete",
        JobRunTest.stepEnd(destroy, "prune").get("action").getAsString(),
        destroy.stdout());
    assertFalse(subnetExists());
    assertEquals(null, pendingPrune(), "destroy hands the service back without the record");
  }

  /**
   * An apply with Direct VPC egress (subnet run-egress), then {@code connector} for the same
   * service: pruning meets Cloud Run's hold on run-egress.
   */
  private static JobOutput switchedToAConnector(JsonObject connector) {
    assertEquals(
        ExitCode.OK.code(), run("apply", TestRequests.directVpcJson(false), new JobOutput()));
    JobOutput switched = new JobOutput();
    assertEquals(ExitCode.OK.code(), run("apply", connector, switched), switched.stdout());
    return switched;
  }

  /** Waits until Cloud Run let go of the subnet, with a margin. */
  private static void sleepPast(Instant release) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), release).toMillis()) + 1500);
  }

  /** The prune step kept run-egress because Cloud Run holds it; when Cloud Run lets go. */
  private static Instant heldUntil(JobOutput output) {
    JsonObject prune = JobRunTest.stepEnd(output, "prune");
    String message = prune.get("message").getAsString();
    assertTrue(message.contains("egress-subnet run-egress: kept: subnet run-egress"), message);
    assertTrue(message.contains("a later apply or destroy of this service deletes it"), message);
    Matcher at = Pattern.compile("expected release at (\\S+):").matcher(message);
    assertTrue(at.find(), message);
    return Instant.parse(at.group(1));
  }

  private static String pendingPrune() {
    return local
        .clients()
        .services()
        .getService(SERVICE)
        .getAnnotationsMap()
        .get("runwire.dev/pending-prune");
  }

  private static boolean subnetExists() {
    try {
      local.clients().subnetworks().get(TestRequests.PROJECT, TestRequests.REGION, "run-egress");
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static int run(String mode, JsonObject request, JobOutput output) {
    JsonObject copy = request.deepCopy();
    copy.addProperty("mode", mode);
    return local.run(copy, output);
  }
}
