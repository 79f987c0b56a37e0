package dev.runwire.function;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the CloudEvent Eventarc delivers for a Pub/Sub message into a {@link PublishedMessage}, or
 * says precisely why it cannot. The envelope is {@code
 * {"message":{"data":"<base64>","attributes":{},"messageId":"..","publishTime":"..","orderingKey":""},"subscription":".."}}.
 * Never throws: a payload that cannot be read is a {@link Decoding.Unreadable} with the reasons.
 */
final class MessagePublishedDecoder {

  static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";

  /** Room for the envelope around the base64 data: attributes, ids, subscription name. */
  private static final int ENVELOPE_OVERHEAD_BYTES = 64 * 1024;

  /** The events' schemas allow message ids of up to 256 characters. */
  private static final int MAX_ID_LENGTH = 256;

  private final int maxMessageBytes;

  MessagePublishedDecoder(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** What came out of one CloudEvent. */
  sealed interface Decoding {

    /** The message id when it could be read (else the CloudEvent id), never null. */
    String messageId();

    record Readable(PublishedMessage message) implements Decoding {
      @Override
      public String messageId() {
        return message.messageId();
      }
    }

    record Unreadable(String messageId, List<Problem> problems) implements Decoding {}
  }

  Decoding decode(CloudEvent event) {
    String eventId = boundedId(event.getId());
    if (!MESSAGE_PUBLISHED.equals(event.getType())) {
      return unreadable(
          eventId,
          "the CloudEvent type is '"
              + event.getType()
              + "'; runwire reads only "
              + MESSAGE_PUBLISHED
              + ": point the Eventarc trigger at the requests topic's messagePublished event");
    }
    String contentType = event.getDataContentType();
    if (contentType != null && !isJson(contentType)) {
      return unreadable(
          eventId,
          "the CloudEvent datacontenttype is '"
              + contentType
              + "': Eventarc delivers Pub/Sub messages as application/json");
    }
    CloudEventData data = event.getData();
    byte[] body = data == null ? new byte[0] : data.toBytes();
    if (body.length == 0) {
      return unreadable(
          eventId,
          "the CloudEvent has no data: expected the Pub/Sub envelope {\"message\":{...},"
              + "\"subscription\":\"...\"}");
    }
    long envelopeLimit = (long) base64Length(maxMessageBytes) + ENVELOPE_OVERHEAD_BYTES;
    if (body.length > envelopeLimit) {
      return unreadable(
          eventId,
          "the CloudEvent data is "
              + body.length
              + " bytes, more than a request of at most "
              + maxMessageBytes
              + " bytes can take ("
              + FunctionConfig.MAX_MESSAGE_BYTES_ENV
              + "): publish a smaller request");
    }
    JsonObject envelope;
    try {
      envelope = parseObject(strictUtf8(body));
    } catch (CharacterCodingException e) {
      return unreadable(eventId, "the CloudEvent data is not UTF-8 text: expected JSON");
    } catch (JsonParseException | IllegalStateException e) {
      return unreadable(
          eventId,
          "the CloudEvent data is not a JSON object ("
              + firstLine(e.getMessage())
              + "): expected the Pub/Sub envelope {\"message\":{...},\"subscription\":\"...\"}");
    }
    return readEnvelope(envelope, eventId);
  }

  private Decoding readEnvelope(JsonObject envelope, String eventId) {
    JsonElement messageElement = envelope.get("message");
    if (messageElement == null || !messageElement.isJsonObject()) {
      return unreadable(
          eventId,
          "the CloudEvent data has no 'message' object: expected the Pub/Sub envelope"
              + " {\"message\":{...},\"subscription\":\"...\"}");
    }
    JsonObject message = messageElement.getAsJsonObject();
    String messageId = stringOrNull(message, "messageId");
    if (messageId == null || messageId.isBlank()) {
      messageId = eventId;
    }
    messageId = boundedId(messageId);
    JsonElement dataElement = message.get("data");
    if (dataElement == null || dataElement.isJsonNull()) {
      return unreadable(
          messageId,
          "the Pub/Sub message has no data: publish the provisioning request JSON as the"
              + " message body");
    }
    if (!isString(dataElement)) {
      return unreadable(messageId, "message.data is not a base64 string");
    }
    String base64 = dataElement.getAsString();
    if (base64.length() > base64Length(maxMessageBytes)) {
      return tooLarge(messageId, (long) base64.length() * 3 / 4);
    }
    byte[] data;
    try {
      data = decodeBase64(base64);
    } catch (IllegalArgumentException e) {
      return unreadable(
          messageId,
          "message.data is not valid base64 ("
              + firstLine(e.getMessage())
              + "): Pub/Sub carries the request base64-encoded; publish the JSON itself and let"
              + " the client encode it");
    }
    if (data.length == 0) {
      return unreadable(
          messageId,
          "the Pub/Sub message body is empty: publish the provisioning request JSON as the"
              + " message body");
    }
    if (data.length > maxMessageBytes) {
      return tooLarge(messageId, data.length);
    }
    return new Decoding.Readable(
        new PublishedMessage(
            messageId,
            stringOrNull(message, "publishTime"),
            stringOrNull(message, "orderingKey"),
            attributes(message),
            data,
            stringOrNull(envelope, "subscription")));
  }

  private Decoding tooLarge(String messageId, long size) {
    return unreadable(
        messageId,
        "the request is "
            + size
            + " bytes; the limit is "
            + maxMessageBytes
            + " bytes ("
            + FunctionConfig.MAX_MESSAGE_BYTES_ENV
            + "): publish a smaller request");
  }

  /** Standard base64 as Pub/Sub writes it; URL-safe too, which proto3 JSON also accepts. */
  private static byte[] decodeBase64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException standard) {
      try {
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException urlSafe) {
        throw standard;
      }
    }
  }

  private static JsonObject parseObject(String text) {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    JsonElement tree = JsonParser.parseReader(reader);
    if (!tree.isJsonObject()) {
      throw new JsonParseException("the top level is " + kind(tree) + ", not an object");
    }
    return tree.getAsJsonObject();
  }

  private static Map<String, String> attributes(JsonObject message) {
    JsonElement element = message.get("attributes");
    Map<String, String> attributes = new LinkedHashMap<>();
    if (element != null && element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
        if (isString(entry.getValue())) {
          attributes.put(entry.getKey(), entry.getValue().getAsString());
        }
      }
    }
    return attributes;
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  private static boolean isString(JsonElement element) {
    return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  private static String stringOrNull(JsonObject object, String member) {
    JsonElement element = object.get(member);
    return isString(element) ? element.getAsString() : null;
  }

  private static String kind(JsonElement tree) {
    if (tree.isJsonArray()) {
      return "an array";
    }
    if (tree.isJsonNull()) {
      return "null";
    }
    return "a " + (tree.getAsJsonPrimitive().isString() ? "string" : "scalar");
  }

  /** Pub/Sub ids are short decimal strings; anything else is cut to what events may carry. */
  private static String boundedId(String id) {
    return id.length() <= MAX_ID_LENGTH ? id : id.substring(0, MAX_ID_LENGTH);
  }

  private static int base64Length(int bytes) {
    return (int) Math.min(Integer.MAX_VALUE, ((long) bytes + 2) / 3 * 4);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static Decoding unreadable(String messageId, String message) {
    return new Decoding.Unreadable(messageId, List.of(new Problem("", message)));
  }
}
