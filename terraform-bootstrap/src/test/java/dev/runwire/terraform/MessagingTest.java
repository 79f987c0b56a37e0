package dev.runwire.terraform;

import static dev.runwire.terraform.TerraformModule.block;
import static dev.runwire.terraform.TerraformModule.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.ProvisioningRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests in, events out, dead letters kept, drift checks on a schedule. */
class MessagingTest {

  private static TerraformModule module;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
  }

  @Test
  void functionIsTriggeredByTheRequestsTopicWithRetries() {
    Map<String, Object> trigger =
        block(module.resource("google_cloudfunctions2_function", "runwire"), "event_trigger");

    assertEquals("google.cloud.pubsub.topic.v1.messagePublished", text(trigger.get("event_type")));
    assertEquals("google_pubsub_topic.requests.id", text(trigger.get("pubsub_topic")));
    assertEquals("RETRY_POLICY_RETRY", text(trigger.get("retry_policy")));
  }

  @Test
  void deadLettersLandOnATopicThatHasASubscription() {
    Map<String, Object> subscription = module.resource("google_pubsub_subscription", "dead_letter");
    assertEquals("google_pubsub_topic.dead_letter.id", text(subscription.get("topic")));
    assertNotNull(subscription.get("message_retention_duration"), "dead letters need retention");

    Map<String, Object> agentPublishes =
        module.resource("google_pubsub_topic_iam_member", "dead_letter_publisher_pubsub_agent");
    assertEquals("google_pubsub_topic.dead_letter.name", text(agentPublishes.get("topic")));
    assertEquals("roles/pubsub.publisher", text(agentPublishes.get("role")));
    assertEquals("local.pubsub_service_agent", text(agentPublishes.get("member")));
    assertTrue(
        text(module.locals().get("pubsub_service_agent"))
            .endsWith("@gcp-sa-pubsub.iam.gserviceaccount.com"),
        "the Pub/Sub service agent is service-NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com");
  }

  @Test
  void triggerSubscriptionGetsItsDeadLetterPolicyAfterApply() {
    Map<String, Object> step = module.resource("terraform_data", "trigger_subscription_policy");
    Map<String, Object> exec = block(step, "provisioner", "local-exec");
    Map<String, Object> env = block(exec, "environment");

    assertTrue(text(exec.get("command")).endsWith("scripts/configure-trigger-subscription.sh"));
    // hcl4j renders [0] oddly, so the reference is checked in the text.
    assertTrue(env.containsKey("TRIGGER"));
    assertTrue(
        Pattern.compile(
                "TRIGGER\\s*=\\s*google_cloudfunctions2_function\\.runwire\\.event_trigger\\[0]\\.trigger")
            .matcher(fileText("function.tf"))
            .find(),
        "the step must look up the subscription of the function's own trigger");
    assertEquals("google_pubsub_topic.dead_letter.id", text(env.get("DEAD_LETTER_TOPIC")));
    assertTrue(env.containsKey("MAX_DELIVERY_ATTEMPTS"));
    assertTrue(env.containsKey("PUBSUB_SERVICE_AGENT"), "the agent needs subscriber on the source");
  }

  @Test
  void everyTopicKeepsMessages() {
    module
        .resources("google_pubsub_topic")
        .forEach(
            (name, topic) ->
                assertTrue(
                    topic.containsKey("message_retention_duration"),
                    "google_pubsub_topic." + name + " sets no message retention"));
  }

  @Test
  void driftCheckPublishesAScopedDriftCheckRequestToTheRequestsTopic() {
    Map<String, Object> request = TerraformModule.map(module.locals().get("drift_check_request"));
    assertEquals(ProvisioningRequest.API_VERSION, text(request.get("apiVersion")));
    assertEquals(ProvisioningRequest.Mode.DRIFT_CHECK.wire(), text(request.get("mode")));

    Map<String, Object> target =
        block(module.resource("google_cloud_scheduler_job", "drift_check"), "http_target");
    assertEquals("POST", text(target.get("http_method")));
    assertEquals(
        "https://pubsub.googleapis.com/v1/google_pubsub_topic.requests.id:publish",
        text(target.get("uri")));
    String scheduler =
        module.texts().entrySet().stream()
            .filter(e -> e.getKey().getFileName().toString().equals("scheduler.tf"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow();
    for (String line :
        List.of(
            "requestId\\s*=\\s*\"drift-\\$\\{each\\.key}\"",
            "project\\s*=\\s*each\\.key",
            "regions\\s*=\\s*local\\.drift_check_regions")) {
      assertTrue(
          Pattern.compile(line).matcher(scheduler).find(),
          "each scheduled request is scoped to its project and the drift-check regions: " + line);
    }
  }

  private static String fileText(String name) {
    return module.texts().entrySet().stream()
        .filter(e -> e.getKey().getFileName().toString().equals(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not found"));
  }
}
