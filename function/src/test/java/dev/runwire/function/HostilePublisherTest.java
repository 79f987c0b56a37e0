package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.JobName;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.policy.PolicyReasons;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Anyone who may publish to the requests topic tries to make runwire do what its service account
 * can: each attempt that the deployment policy decides from the request alone is rejected by the
 * function, with its reason, and no execution starts (the local cloud sees no call at all); the
 * same request passes once the operator's policy allows it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePublisherTest {

  private static final String JOB_IMAGE = "local/runwire-job-quick";

  private FunctionFixture fixture;
  private LocalCloud cloud;
  private JobName job;
  private RecordingEventSink events;

  /**
   * One attempt: how it changes a plain apply request, the policy it is refused under (the defaults
   * plus {@code refusingEnv}), what it is refused with, and the policy that allows it.
   */
  record Attempt(
      String name,
      Consumer<JsonObject> edit,
      Map<String, String> refusingEnv,
      String pointer,
      String reason,
      Map<String, String> allowingEnv) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Attempt> attempts() {
    return Stream.of(
        new Attempt(
            "image from another project's registry",
            image("us-docker.pkg.dev/victim/prod/payments:1"),
            Map.of(),
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "us-docker.pkg.dev/victim/")),
        new Attempt(
            "image from a public registry",
            image("docker.io/evil/miner:latest"),
            Map.of(),
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "docker.io/evil/")),
        new Attempt(
            "prefix trick gcr.io/acme-evil under gcr.io/acme/",
            image("gcr.io/acme-evil/miner:1"),
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme/"),
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme-evil/")),
        new Attempt(
            "path trick gcr.io/acme/../acme-evil",
            image("gcr.io/acme/../acme-evil/miner"),
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme/"),
            "/service/image",
            PolicyReasons.IMAGE_NOT_ALLOWED,
            // Never allowed: the allowing run sends the clean path gcr.io/acme/miner instead.
            Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme/")),
        new Attempt(
            "public flip without policy",
            json -> json.getAsJsonObject("service").addProperty("allowUnauthenticated", true),
            Map.of(),
            "/service/allowUnauthenticated",
            PolicyReasons.PUBLIC_SERVICE_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOW_PUBLIC_SERVICES", "true")),
        new Attempt(
            "adopt without policy",
            json ->
                json.add(
                    "adopt", JsonParser.parseString("[\"cloud-run-service\",\"redis-instance\"]")),
            Map.of(),
            "/adopt",
            PolicyReasons.ADOPTION_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOW_ADOPTION", "true")),
        new Attempt(
            "allowDataLoss where the policy forbids it",
            json -> {
              json.addProperty("mode", "destroy");
              json.addProperty("allowDataLoss", true);
            },
            Map.of("RUNWIRE_DATA_LOSS_PROJECTS", ""),
            "/allowDataLoss",
            PolicyReasons.DATA_LOSS_NOT_ALLOWED,
            Map.of("RUNWIRE_DATA_LOSS_PROJECTS", "runwire-demo")),
        new Attempt(
            "project outside the allow list",
            json -> {},
            Map.of("RUNWIRE_ALLOWED_PROJECTS", "acme-prod"),
            "/target/project",
            PolicyReasons.PROJECT_NOT_ALLOWED,
            Map.of("RUNWIRE_ALLOWED_PROJECTS", "acme-prod,runwire-demo")));
  }

  @BeforeAll
  void startCloud() throws Exception {
    fixture =
        FunctionFixture.onLocalCloud(LocalCloud.builder().imageCommand(JOB_IMAGE, List.of("true")));
    cloud = fixture.cloud();
    events = fixture.events;
    job = fixture.jobs().createJob("runwire-job", JOB_IMAGE);
  }

  @AfterAll
  void stopCloud() {
    fixture.close();
  }

  @AfterEach
  void closeLaunchers() {
    fixture.reset();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attempts")
  void attemptIsRejectedWithItsReasonAndNoExecutionStarts(Attempt attempt) {
    ProvisioningRequestFunction function = function(attempt.refusingEnv());
    cloud.resetLog();

    function.accept(PubSubDeliveries.message("h-1", request("hostile-1", attempt.edit())));

    RejectedEvent rejected = events.single(RejectedEvent.class);
    assertEquals("hostile-1", rejected.requestId());
    assertEquals(
        List.of(attempt.pointer() + ": " + attempt.reason()),
        rejected.problems().stream().map(p -> p.pointer() + ": " + p.reason()).toList(),
        rejected.problems()::toString);
    assertEquals(
        List.of(),
        MessageSchemas.standard()
            .check(MessageSchemas.REJECTED_EVENT, MessageCodec.toJson(rejected)));
    assertEquals(List.of(), cloud.requestLog(), "no call may reach the Run API");
    assertTrue(log().contains(attempt.reason()), log());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attempts")
  void theSameRequestStartsTheJobWhereThePolicyAllowsIt(Attempt attempt) {
    ProvisioningRequestFunction function = function(attempt.allowingEnv());
    Consumer<JsonObject> edit =
        attempt.name().startsWith("path trick") ? image("gcr.io/acme/miner") : attempt.edit();

    function.accept(PubSubDeliveries.message("a-1", request("allowed-1", edit)));

    AcceptedEvent accepted = events.single(AcceptedEvent.class);
    assertEquals("allowed-1", accepted.requestId());
  }

  @Test
  void theTakeoverFromTheIssueIsRefusedListingEveryProblemAtOnce() {
    ProvisioningRequestFunction function = function(Map.of());
    cloud.resetLog();

    function.accept(
        PubSubDeliveries.message(
            "h-2",
            request(
                "payments-takeover",
                json -> {
                  image("docker.io/evil/miner:latest").accept(json);
                  json.getAsJsonObject("service").addProperty("name", "payments");
                  json.getAsJsonObject("service").addProperty("allowUnauthenticated", true);
                  json.add("adopt", JsonParser.parseString("[\"cloud-run-service\"]"));
                })));

    RejectedEvent rejected = events.single(RejectedEvent.class);
    assertEquals(
        List.of(
            PolicyReasons.IMAGE_NOT_ALLOWED,
            PolicyReasons.PUBLIC_SERVICE_NOT_ALLOWED,
            PolicyReasons.ADOPTION_NOT_ALLOWED),
        rejected.problems().stream().map(Problem::reason).toList());
    assertEquals(List.of(), cloud.requestLog());
  }

  @Test
  void theStartUpLogNamesEveryPolicyKnob() {
    function(Map.of());

    String log = log();
    assertTrue(log.contains("deployment policy: RUNWIRE_ALLOWED_PROJECTS="), log);
    assertTrue(log.contains("RUNWIRE_ALLOW_PUBLIC_SERVICES=false"), log);
    assertTrue(log.contains("RUNWIRE_ALLOW_ADOPTION=false"), log);
    assertTrue(log.contains("RUNWIRE_DATA_LOSS_PROJECTS=*"), log);
  }

  private static Consumer<JsonObject> image(String image) {
    return json -> json.getAsJsonObject("service").addProperty("image", image);
  }

  private static String request(String requestId, Consumer<JsonObject> edit) {
    JsonObject json = JsonParser.parseString(Requests.apply(requestId)).getAsJsonObject();
    // A plain request from the target project's own registry: the defaults allow it.
    json.getAsJsonObject("service")
        .addProperty("image", "us-central1-docker.pkg.dev/runwire-demo/apps/visitor-counter:1");
    edit.accept(json);
    return json.toString();
  }

  private String log() {
    return fixture.log();
  }

  /** The function as the framework builds it, its policy from the defaults plus {@code env}. */
  private ProvisioningRequestFunction function(Map<String, String> policyEnv) {
    return fixture.function(fixture.env(job, policyEnv));
  }
}
