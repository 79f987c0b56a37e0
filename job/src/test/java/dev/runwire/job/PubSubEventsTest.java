package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import dev.runwire.job.testing.TestRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events reach the events topic on Google's Pub/Sub emulator as the schemas describe them. */
class PubSubEventsTest {

  static final String TOPIC = "projects/demo-project/topics/runwire-events";
  static final String SUBSCRIPTION = "projects/demo-project/subscriptions/runwire-events-test";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyEventIsPublishedOnceWithTheRequestIdAsOrderingKeyAndFilterableAttributes()
      throws Exception {
    try (PubSubEmulatorProcess pubsub = PubSubEmulatorProcess.start();
        LocalCloud cloud = JobRunTest.startCloud()) {
      String base = "http://" + pubsub.hostPort();
      call(base, "PUT", "/v1/" + TOPIC, "{}");
      call(
          base,
          "PUT",
          "/v1/" + SUBSCRIPTION,
          "{\"topic\":\"" + TOPIC + "\",\"enableMessageOrdering\":true}");
      JsonObject request = TestRequests.directVpcJson(false);
      request.getAsJsonObject("target").addProperty("network", "default");
      Map<String, String> env = new HashMap<>();
      env.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
      env.put("RUNWIRE_EVENTS_TOPIC", TOPIC);
      env.put("PUBSUB_EMULATOR_HOST", pubsub.hostPort());
      env.put("RUNWIRE_REQUEST", request.toString());
      JobOutput output = new JobOutput();

      int code = JobAtStart.job(env, output).run();

      assertEquals(ExitCode.OK.code(), code, output.stdout());
      int logged = output.lines().size();
      List<JsonObject> messages = pull(base, logged);
      assertEquals(logged, messages.size());
      List<String> published = new ArrayList<>();
      for (JsonObject message : messages) {
        assertEquals("req-direct", message.get("orderingKey").getAsString());
        JsonObject attributes = message.getAsJsonObject("attributes");
        assertEquals("req-direct", attributes.get("requestId").getAsString());
        assertTrue(attributes.has("status"), attributes.toString());
        JsonObject event =
            JsonParser.parseString(
                    new String(
                        Base64.getDecoder().decode(message.get("data").getAsString()),
                        StandardCharsets.UTF_8))
                .getAsJsonObject();
        String type = attributes.get("ce-type").getAsString();
        if (type.equals("dev.runwire.step.v1")) {
          assertEquals(event.get("step").getAsString(), attributes.get("step").getAsString());
          published.add(event.get("step").getAsString() + " " + event.get("status").getAsString());
        } else {
          assertEquals("dev.runwire.run.v1", type);
          published.add("run " + event.get("status").getAsString());
        }
      }
      List<String> logLines = new ArrayList<>();
      for (JsonObject line : output.lines()) {
        JsonObject event = line.getAsJsonObject("event");
        logLines.add(
            event.has("step")
                ? event.get("step").getAsString() + " " + event.get("status").getAsString()
                : "run " + event.get("status").getAsString());
      }
      assertEquals(
          logLines,
          published,
          "one ordering key: subscribers see the events in the order they happened");
    }
  }

  private List<JsonObject> pull(String base, int expected) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (all.size() < expected && System.nanoTime() < deadline) {
      JsonObject answer =
          JsonParser.parseString(
                  call(base, "POST", "/v1/" + SUBSCRIPTION + ":pull", "{\"maxMessages\":100}"))
              .getAsJsonObject();
      if (!answer.has("receivedMessages")) {
        continue;
      }
      JsonArray acks = new JsonArray();
      for (JsonElement received : answer.getAsJsonArray("receivedMessages")) {
        all.add(received.getAsJsonObject().getAsJsonObject("message"));
        acks.add(received.getAsJsonObject().get("ackId"));
      }
      JsonObject ack = new JsonObject();
      ack.add("ackIds", acks);
      call(base, "POST", "/v1/" + SUBSCRIPTION + ":acknowledge", ack.toString());
    }
    return all;
  }

  private String call(String base, String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.body());
    return response.body();
  }
}
