package dev.runwire.function;

import com.google.gson.JsonObject;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** CloudEvents shaped exactly as Eventarc delivers a Pub/Sub message to a function. */
final class PubSubDeliveries {

  static final URI SOURCE =
      URI.create("//pubsub.googleapis.com/projects/p/topics/runwire-requests");
  static final String SUBSCRIPTION = "projects/p/subscriptions/eventarc-runwire-requests-sub";

  private PubSubDeliveries() {}

  /** The Pub/Sub envelope around {@code requestJson}. */
  static String envelope(String messageId, String requestJson) {
    return envelopeWithData(
        messageId,
        Base64.getEncoder().encodeToString(requestJson.getBytes(StandardCharsets.UTF_8)));
  }

  static String envelopeWithData(String messageId, String base64Data) {
    JsonObject message = new JsonObject();
    message.addProperty("data", base64Data);
    JsonObject attributes = new JsonObject();
    attributes.addProperty("origin", "test");
    message.add("attributes", attributes);
    message.addProperty("messageId", messageId);
    message.addProperty("publishTime", "2026-11-02T10:15:30.123Z");
    message.addProperty("orderingKey", "");
    JsonObject envelope = new JsonObject();
    envelope.add("message", message);
    envelope.addProperty("subscription", SUBSCRIPTION);
    return envelope.toString();
  }

  static CloudEvent message(String messageId, String requestJson) {
    return event(messageId, envelope(messageId, requestJson).getBytes(StandardCharsets.UTF_8));
  }

  static CloudEvent event(String messageId, byte[] data) {
    return builder(messageId).withData("application/json", data).build();
  }

  static CloudEventBuilder builder(String messageId) {
    return CloudEventBuilder.v1()
        .withId(messageId)
        .withType(MessagePublishedDecoder.MESSAGE_PUBLISHED)
        .withSource(SOURCE)
        .withTime(OffsetDateTime.parse("2026-11-02T10:15:30.123Z"));
  }

  static String newMessageId() {
    return Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 10_000_000_000L);
  }
}
