package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.testing.JobCommand;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.MessageSchemas;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole runs of the job (in this JVM) against the local cloud, read through the events. */
class JobRunTest {

  static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = startCloud();
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @BeforeEach
  void reset() {
    cloud.reset();
    cloud.resetLog();
  }

  @Test
  void missingCustomNetworkFailsClearlyAndSkipsWhatDependsOnIt() {
    JsonObject json = TestRequests.directVpcJson(false);
    json.getAsJsonObject("target").addProperty("network", "no-such-net");
    JobOutput output = new JobOutput();

    int code = run(json, output);

    assertEquals(ExitCode.STEP_FAILED.code(), code, output.stderr());
    JsonObject network = stepEnd(output, "network");
    assertEquals("failed", network.get("status").getAsString());
    assertEquals("NetworkNotFound", network.getAsJsonObject("error").get("code").getAsString());
    assertTrue(
        network.getAsJsonObject("error").get("message").getAsString().contains("no-such-net"));
    for (String skipped :
        List.of(
            "egress-subnet",
            "redis-instance",
            "firewall",
            "cloud-run-service",
            "probe-job",
            "verify")) {
      assertEquals("skipped", stepEnd(output, skipped).get("status").getAsString(), skipped);
    }
    JsonObject run = output.events("dev.runwire.run.v1").get(0);
    assertEquals("failed", run.get("status").getAsString());
    assertEquals(1, run.get("exitCode").getAsInt());
    assertEquals(6, run.getAsJsonObject("counts").get("skipped").getAsInt());
    assertEquals(List.of(), mutations());
    assertEventsMatchTheirSchemas(output);
  }

  static LocalCloud startCloud() {
    return LocalCloud.builder()
        .profile("instant")
        .imageCommand(JobConfig.LOCAL_PROBE_IMAGE, JobCommand.onTestClasspath())
        .start();
  }

  static int run(JsonObject request, JobOutput output) {
    return run(cloud, request, output);
  }

  static int run(LocalCloud cloud, JsonObject request, JobOutput output) {
    return run(cloud, request, output, Map.of());
  }

  static int run(
      LocalCloud cloud, JsonObject request, JobOutput output, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.02S");
    env.put("RUNWIRE_STEP_TIMEOUT", "PT60S");
    env.put("RUNWIRE_REQUEST", request.toString());
    return JobAtStart.job(env, output).run();
  }

  static JsonObject stepEnd(JobOutput output, String step) {
    return output.events("dev.runwire.step.v1").stream()
        .filter(e -> e.get("step").getAsString().equals(step))
        .filter(e -> !e.get("status").getAsString().equals("started"))
        .reduce((first, second) -> second)
        .orElseThrow(
            () -> new AssertionError("no end event for " + step + ":\n" + output.stdout()));
  }

  static List<RecordedRequest> mutations() {
    return mutations(cloud);
  }

  static List<RecordedRequest> mutations(LocalCloud cloud) {
    return cloud.requestLog().stream().filter(RecordedRequest::isMutation).toList();
  }

  /**
   * Mutating calls other than verify's run of the probe job ({@code POST
   * .../jobs/runwire-probe-<service>:run}): an apply verifies every time, which starts an execution
   * but changes nothing that was provisioned.
   */
  static List<RecordedRequest> changes(LocalCloud cloud) {
    return mutations(cloud).stream()
        .filter(r -> !(r.path().contains("/jobs/runwire-probe-") && r.path().endsWith(":run")))
        .toList();
  }

  static void assertEventsMatchTheirSchemas(JobOutput output) {
    for (JsonObject line : output.lines()) {
      String type = line.get("type").getAsString();
      String schema =
          switch (type) {
            case "dev.runwire.step.v1" -> MessageSchemas.STEP_EVENT;
            case "dev.runwire.run.v1" -> MessageSchemas.RUN_EVENT;
            default -> MessageSchemas.REJECTED_EVENT;
          };
      assertEquals(
          List.of(), MessageSchemas.standard().check(schema, line.get("event")), line.toString());
    }
  }
}
