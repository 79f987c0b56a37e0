package dev.runwire.function;

import java.util.Map;

/**
 * One Pub/Sub message as Eventarc delivers it inside a {@code messagePublished} CloudEvent, with
 * {@code data} already base64-decoded.
 *
 * @param messageId the Pub/Sub message id; the same on every redelivery of the message
 * @param subscription the Eventarc-managed push subscription that delivered it, may be null
 */
public record PublishedMessage(
    String messageId,
    String publishTime,
    String orderingKey,
    Map<String, String> attributes,
    byte[] data,
    String subscription) {

  public PublishedMessage {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
