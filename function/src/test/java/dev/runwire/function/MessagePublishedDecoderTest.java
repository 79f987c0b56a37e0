package dev.runwire.function;

import static dev.runwire.function.PubSubDeliveries.builder;
import static dev.runwire.function.PubSubDeliveries.envelope;
import static dev.runwire.function.PubSubDeliveries.envelopeWithData;
import static dev.runwire.function.PubSubDeliveries.event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.function.MessagePublishedDecoder.Decoding;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MessagePublishedDecoderTest {

  private final MessagePublishedDecoder decoder = new MessagePublishedDecoder(1024);

  @Test
  void eventarcEnvelopeIsDecodedToTheMessage() {
    Decoding decoding = decoder.decode(PubSubDeliveries.message("42", "{\"requestId\":\"r-1\"}"));

    PublishedMessage message = assertInstanceOf(Decoding.Readable.class, decoding).message();
    assertEquals("42", message.messageId());
    assertEquals("{\"requestId\":\"r-1\"}", new String(message.data(), StandardCharsets.UTF_8));
    assertEquals("test", message.attributes().get("origin"));
    assertEquals("2026-11-02T10:15:30.123Z", message.publishTime());
    assertEquals(PubSubDeliveries.SUBSCRIPTION, message.subscription());
  }

  @Test
  void urlSafeBase64IsAcceptedAsProto3JsonAllows() {
    byte[] json = "{\"a\":\"??>>\"}".getBytes(StandardCharsets.UTF_8);
    String urlSafe = Base64.getUrlEncoder().encodeToString(json);
    Decoding decoding =
        decoder.decode(event("7", envelopeWithData("7", urlSafe).getBytes(StandardCharsets.UTF_8)));

    assertArrayEquals(json, assertInstanceOf(Decoding.Readable.class, decoding).message().data());
  }

  @Test
  void otherEventTypeIsUnreadableAndNamesTheExpectedType() {
    Decoding decoding =
        decoder.decode(
            builder("1")
                .withType("google.cloud.storage.object.v1.finalized")
                .withData("application/json", envelope("1", "{}").getBytes(StandardCharsets.UTF_8))
                .build());

    assertProblem(decoding, "1", "google.cloud.pubsub.topic.v1.messagePublished");
  }

  @Test
  void nonJsonContentTypeIsUnreadable() {
    Decoding decoding =
        decoder.decode(
            builder("2")
                .withData("text/plain", envelope("2", "{}").getBytes(StandardCharsets.UTF_8))
                .build());

    assertProblem(decoding, "2", "datacontenttype is 'text/plain'");
  }

  @Test
  void eventWithoutDataIsUnreadable() {
    assertProblem(decoder.decode(builder("3").build()), "3", "has no data");
    assertProblem(decoder.decode(event("3", new byte[0])), "3", "has no data");
  }

  @Test
  void envelopeThatIsNotJsonIsUnreadable() {
    assertProblem(
        decoder.decode(event("4", "message=hello".getBytes(StandardCharsets.UTF_8))),
        "4",
        "not a JSON object");
    assertProblem(
        decoder.decode(event("4", "[1,2]".getBytes(StandardCharsets.UTF_8))),
        "4",
        "an array, not an object");
  }

  @Test
  void envelopeThatIsNotUtf8IsUnreadable() {
    byte[] latin1 = "{\"message\":{\"data\":\"é\"}}".getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(decoder.decode(event("5", latin1)), "5", "not UTF-8");
  }

  @Test
  void deeplyNestedEnvelopeIsUnreadableWithoutBlowingTheStack() {
    String nested = "[".repeat(100_000) + "]".repeat(100_000);
    MessagePublishedDecoder generous = new MessagePublishedDecoder(1_000_000);
    assertProblem(
        generous.decode(event("6", nested.getBytes(StandardCharsets.UTF_8))),
        "6",
        "not a JSON object");
  }

  @Test
  void envelopeWithoutMessageIsUnreadableAndFallsBackToTheEventId() {
    assertProblem(
        decoder.decode(event("ce-8", "{\"subscription\":\"s\"}".getBytes(StandardCharsets.UTF_8))),
        "ce-8",
        "no 'message' object");
  }

  @Test
  void messageWithoutDataIsUnreadable() {
    String envelope = "{\"message\":{\"messageId\":\"9\",\"attributes\":{\"a\":\"b\"}}}";
    assertProblem(
        decoder.decode(event("ce-9", envelope.getBytes(StandardCharsets.UTF_8))),
        "9",
        "has no data");
  }

  @Test
  void dataThatIsNotBase64IsUnreadable() {
    String envelope = envelopeWithData("10", "{\"requestId\": \"r\"}");
    assertProblem(
        decoder.decode(event("10", envelope.getBytes(StandardCharsets.UTF_8))),
        "10",
        "not valid base64");
  }

  @Test
  void dataThatIsNotAStringIsUnreadable() {
    String envelope = "{\"message\":{\"messageId\":\"11\",\"data\":{\"requestId\":\"r\"}}}";
    assertProblem(
        decoder.decode(event("11", envelope.getBytes(StandardCharsets.UTF_8))),
        "11",
        "not a base64 string");
  }

  @Test
  void emptyBodyIsUnreadable() {
    assertProblem(decoder.decode(PubSubDeliveries.message("12", "")), "12", "body is empty");
  }

  @Test
  void requestOverTheCapIsUnreadableAndNamesTheLimit() {
    String big = "{\"pad\":\"" + "x".repeat(1100) + "\"}";
    assertProblem(decoder.decode(PubSubDeliveries.message("13", big)), "13", "limit is 1024");
  }

  @Test
  void requestExactlyAtTheCapIsRead() {
    String atCap = "{\"pad\":\"" + "x".repeat(1024 - 10) + "\"}";
    assertEquals(1024, atCap.length());
    assertInstanceOf(
        Decoding.Readable.class, decoder.decode(PubSubDeliveries.message("14", atCap)));
  }

  @Test
  void hugeEnvelopeIsRefusedBeforeParsing() {
    byte[] huge = new byte[1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertProblem(decoder.decode(event("15", huge)), "15", "more than a request");
  }

  private static void assertProblem(Decoding decoding, String messageId, String fragment) {
    Decoding.Unreadable unreadable = assertInstanceOf(Decoding.Unreadable.class, decoding);
    assertEquals(messageId, unreadable.messageId());
    assertEquals(1, unreadable.problems().size());
    String message = unreadable.problems().get(0).message();
    assertTrue(message.contains(fragment), () -> "'" + message + "' should mention " + fragment);
  }
}
