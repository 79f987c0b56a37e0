package dev.runwire.bench;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Delivers a Pub/Sub message to the function the way Eventarc does: a binary-mode CloudEvent of
 * type {@code google.cloud.pubsub.topic.v1.messagePublished} ({@code ce-*} headers) with the {@code
 * {message, subscription}} envelope as the body.
 */
final class EventarcPush {

  static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";
  static final String SOURCE =
      "//pubsub.googleapis.com/projects/bench-project/topics/runwire-requests";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final URI target;

  EventarcPush(int port) {
    this.target = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** POSTs the message; returns the HTTP status. */
  int deliver(String messageId, String requestJson) throws IOException, InterruptedException {
    JsonObject message = new JsonObject();
    message.addProperty(
        "data", Base64.getEncoder().encodeToString(requestJson.getBytes(StandardCharsets.UTF_8)));
    message.add("attributes", new JsonObject());
    message.addProperty("messageId", messageId);
    message.addProperty("publishTime", "2026-11-22T10:00:00.000Z");
    message.addProperty("orderingKey", "");
    JsonObject envelope = new JsonObject();
    envelope.add("message", message);
    envelope.addProperty(
        "subscription", "projects/bench-project/subscriptions/eventarc-runwire-requests");
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .header("ce-specversion", "1.0")
            .header("ce-id", messageId)
            .header("ce-type", TYPE)
            .header("ce-source", SOURCE)
            .header("ce-time", "2026-11-22T10:00:00.000Z")
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(envelope.toString()))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
