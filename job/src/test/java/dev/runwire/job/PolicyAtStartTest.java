package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.policy.PolicyReasons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job can be run by hand, around the function: it holds the request against the same deployment
 * policy at start and refuses it, with the function's reasons, before any API call (exit 2, as for
 * an invalid request).
 */
class PolicyAtStartTest {

  @RegisterExtension
  static final LocalCloudExtension local = LocalCloudExtension.withProbeJob().freshPerTest();

  @TempDir Path dir;

  /** An attempt: how it changes the test request, the policy env, the field and the reason. */
  record Attempt(
      String name,
      Consumer<JsonObject> edit,
      Map<String, String> env,
      String pointer,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Attempt> attempts() {
    // "" = unset: the default policy (the fixture otherwise allows local/ images).
    Map<String, String> defaults = Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "");
    return Stream.of(
        new Attempt(
            "image from another project's registry",
            image("us-docker.pkg.dev/victim/prod/payments:1"),
            defaults,
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED),
        new Attempt(
            "local image under the default policy",
            json -> {},
            defaults,
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED),
        new Attempt(
            "prefix trick gcr.io/acme-evil under gcr.io/acme/",
            image("gcr.io/acme-evil/miner"),
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme/"),
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED),
        new Attempt(
            "public flip without policy",
            json -> json.getAsJsonObject("service").addProperty("allowUnauthenticated", true),
            Map.of(),
            "/service/allowUnauthenticated",
            PolicyReasons.PUBLIC_SERVICE_NOT_ALLOWED),
        new Attempt(
            "adopt without policy",
            json -> json.add("adopt", JsonParser.parseString("[\"redis-instance\"]")),
            Map.of(),
            "/adopt",
            PolicyReasons.ADOPTION_NOT_ALLOWED),
        new Attempt(
            "allowDataLoss where the policy forbids it",
            json -> {
              json.addProperty("mode", "destroy");
              json.addProperty("allowDataLoss", true);
            },
            Map.of("RUNWIRE_DATA_LOSS_PROJECTS", "other-project"),
            "/allowDataLoss",
            PolicyReasons.DATA_LOSS_NOT_ALLOWED),
        new Attempt(
            "region outside the allow list",
            json -> {},
            Map.of("RUNWIRE_ALLOWED_REGIONS", "us-central1"),
            "/target/region",
            PolicyReasons.REGION_NOT_ALLOWED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attempts")
  void attemptIsRefusedAtStartWithItsReasonAndZeroApiCalls(Attempt attempt) {
    JsonObject request = TestRequests.directVpcJson(false);
    attempt.edit().accept(request);
    Map<String, String> env = new HashMap<>(attempt.env());
    env.put("RUNWIRE_REQUEST", request.toString());
    JobOutput output = new JobOutput();

    int code = local.job(output, env).run();

    assertEquals(ExitCode.INVALID.code(), code, output.stderr());
    assertTrue(
        output.stderr().contains("refused: " + attempt.pointer() + ": " + attempt.reason()),
        output.stderr());
    List<JsonObject> rejected = output.events("dev.runwire.request.rejected.v1");
    assertEquals(1, rejected.size(), output.stdout());
    JsonObject problem = rejected.get(0).getAsJsonArray("problems").get(0).getAsJsonObject();
    assertEquals(attempt.reason(), problem.get("reason").getAsString());
    assertEquals(attempt.pointer(), problem.get("pointer").getAsString());
    assertEquals(
        List.of(), MessageSchemas.standard().check(MessageSchemas.REJECTED_EVENT, rejected.get(0)));
    local.assertNoCall("no API call may be made");
  }

  @Test
  void aRequestFileRunByHandInAnotherModeIsHeldAgainstThePolicyToo() throws Exception {
    JsonObject request = TestRequests.directVpcJson(false);
    request.addProperty("mode", "plan");
    request.add("adopt", JsonParser.parseString("[\"cloud-run-service\"]"));
    Path file = dir.resolve("adopt.json");
    Files.writeString(file, request.toString());
    JobOutput output = new JobOutput();

    int code = local.job(output, Map.of()).run("apply", file.toString());

    assertEquals(ExitCode.INVALID.code(), code, output.stderr());
    assertTrue(output.stderr().contains(PolicyReasons.ADOPTION_NOT_ALLOWED), output.stderr());
    local.assertNoCall(null);
  }

  @Test
  void theStartUpLinePrintsEveryKnobAndABadValueStopsTheRunNamingIt() {
    JobOutput output = new JobOutput();
    Map<String, String> env =
        Map.of(
            "RUNWIRE_ALLOW_PUBLIC_SERVICES",
            "yes",
            "RUNWIRE_REQUEST",
            TestRequests.directVpcJson(false).toString());

    assertEquals(ExitCode.INVALID.code(), JobAtStart.job(env, output).run());
    assertTrue(
        output.stderr().contains("configuration: RUNWIRE_ALLOW_PUBLIC_SERVICES: 'yes'"),
        output.stderr());

    JobOutput ok = new JobOutput();
    JobAtStart.job(
            Map.of(
                "RUNWIRE_ALLOWED_REGIONS",
                "us-central1",
                "RUNWIRE_REQUEST",
                TestRequests.directVpcJson(false).toString()),
            ok)
        .run();
    assertTrue(
        ok.stderr()
            .contains(
                "deployment policy: RUNWIRE_ALLOWED_PROJECTS=(any)"
                    + " RUNWIRE_ALLOWED_REGIONS=us-central1 RUNWIRE_ALLOWED_IMAGE_PREFIXES=local/"
                    + " RUNWIRE_ALLOW_PUBLIC_SERVICES=false RUNWIRE_ALLOW_ADOPTION=false"
                    + " RUNWIRE_DATA_LOSS_PROJECTS=*"),
        ok.stderr());
  }

  private static Consumer<JsonObject> image(String image) {
    return json -> json.getAsJsonObject("service").addProperty("image", image);
  }
}
