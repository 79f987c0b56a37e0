package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.MessageSchemas;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line and the checks made before any API call. */
class RunwireJobTest {

  @RegisterExtension
  static final LocalCloudExtension local = LocalCloudExtension.withProbeJob().freshPerTest();

  @TempDir Path dir;

  @Test
  void aDestroyFilesDataLossPermissionDoesNotRideIntoAnApply() throws Exception {
    JobOutput output = new JobOutput();
    Path file = dir.resolve("destroy.json");
    Files.copy(Path.of("../schemas/examples/valid/destroy-with-data-loss.json"), file);

    int code = local.job(output, Map.of()).run("apply", file.toString());

    assertEquals(ExitCode.INVALID.code(), code);
    assertTrue(output.stderr().contains("in mode apply: /allowDataLoss"), output.stderr());
    local.assertNoCall("nothing may be called");
  }

  @Test
  void invalidRequestExitsTwoListingEveryProblemAndTouchesNothing() throws Exception {
    JobOutput output = new JobOutput();
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        "{\"apiVersion\":\"runwire.dev/v1\",\"requestId\":\"bad-1\",\"mode\":\"apply\",\"target\":{\"project\":\"P\"}}");

    int code = local.job(output, Map.of()).run("apply", file.toString());

    assertEquals(ExitCode.INVALID.code(), code);
    assertTrue(output.stderr().contains("/target/project"), output.stderr());
    assertTrue(output.stderr().contains("/target/region"), output.stderr());
    assertTrue(output.stderr().contains("/redis"), output.stderr());
    List<JsonObject> rejected = output.events("dev.runwire.request.rejected.v1");
    assertEquals(1, rejected.size());
    assertEquals(
        List.of(), MessageSchemas.standard().check(MessageSchemas.REJECTED_EVENT, rejected.get(0)));
    local.assertNoCall("nothing may be called");
  }

  @Test
  void projectOutsideTheAllowListIsRefusedBeforeAnyCall() {
    JobOutput output = new JobOutput();
    Map<String, String> env = new HashMap<>();
    env.put("RUNWIRE_ALLOWED_PROJECTS", "other-project,third-project");
    env.put("RUNWIRE_REQUEST", TestRequests.directVpcJson(false).toString());

    int code = local.job(output, env).run();

    assertEquals(ExitCode.INVALID.code(), code);
    assertTrue(output.stderr().contains("project 'demo-project' is not allowed"), output.stderr());
    local.assertNoCall(null);
  }

  @Test
  void regionOutsideTheAllowListIsRefused() {
    JobOutput output = new JobOutput();
    Map<String, String> env =
        Map.of(
            "RUNWIRE_ALLOWED_REGIONS",
            "us-central1",
            "RUNWIRE_REQUEST",
            TestRequests.directVpcJson(false).toString());

    assertEquals(ExitCode.INVALID.code(), JobAtStart.job(env, output).run());
    assertTrue(output.stderr().contains("region 'europe-west1' is not allowed"), output.stderr());
  }

  @Test
  void badConfigurationIsReportedByVariableName() {
    JobOutput output = new JobOutput();
    Map<String, String> env =
        Map.of(
            "RUNWIRE_STEP_TIMEOUT", "30 minutes",
            "RUNWIRE_POLL_INITIAL_DELAY", "-PT1S",
            "RUNWIRE_REQUEST", TestRequests.directVpcJson(false).toString());

    assertEquals(ExitCode.INVALID.code(), JobAtStart.job(env, output).run());
    assertTrue(output.stderr().contains("RUNWIRE_STEP_TIMEOUT"), output.stderr());
    assertTrue(output.stderr().contains("RUNWIRE_POLL_INITIAL_DELAY"), output.stderr());
  }

  @Test
  void withoutARequestTheUsageIsPrinted() {
    JobOutput output = new JobOutput();

    assertEquals(ExitCode.INVALID.code(), JobAtStart.job(Map.of(), output).run());
    assertTrue(output.stderr().contains("RUNWIRE_REQUEST"), output.stderr());
    assertEquals(
        ExitCode.INVALID.code(), JobAtStart.job(Map.of(), output).run("reconcile", "x.json"));
    assertTrue(output.stderr().contains("unknown mode 'reconcile'"), output.stderr());
  }

  @Test
  void validateReadsStdinAndSaysValid() {
    JobOutput output = new JobOutput();
    String json = TestRequests.connectorJson(true).toString();

    int code =
        new RunwireJob(
                Map.of(),
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                output.outStream,
                output.errStream,
                false)
            .run("validate", "-");

    assertEquals(ExitCode.OK.code(), code, output.stderr());
    assertTrue(output.stdout().contains("valid"));
  }

  @Test
  void aScopeCanOnlyBeDriftChecked() {
    JobOutput output = new JobOutput();
    String scoped =
        "{\"apiVersion\":\"runwire.dev/v1\",\"requestId\":\"sweep-1\",\"mode\":\"drift-check\","
            + "\"scope\":{\"project\":\"demo-project\",\"regions\":[\"europe-west1\"]}}";
    Path file = dir.resolve("scope.json");
    try {
      Files.writeString(file, scoped);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    assertEquals(
        ExitCode.INVALID.code(), JobAtStart.job(Map.of(), output).run("apply", file.toString()));
    assertTrue(
        output
            .stderr()
            .contains("in mode apply: /mode: a request with scope must have mode drift-check"),
        output.stderr());
  }
}
