package dev.runwire.demo;

import com.google.gson.JsonObject;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Does locally what Eventarc does for a Pub/Sub trigger: pulls the trigger's subscription and POSTs
 * each message to the function as a binary-mode CloudEvent of type {@code
 * google.cloud.pubsub.topic.v1.messagePublished}. A 2xx answer acks the message; anything else
 * nacks it, so Pub/Sub redelivers it with the subscription's retry backoff and moves it to the
 * dead-letter topic after the subscription's maximum delivery attempts.
 */
final class EventarcBridge implements AutoCloseable {

  static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

  private final PubSubClients pubsub;
  private final ProjectSubscriptionName subscription;
  private final TopicName topic;
  private final URI target;
  private final Consumer<String> log;
  private final HttpClient http;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private PullingSubscriber subscriber;

  /**
   * @param topic the trigger's topic, named in the CloudEvent's source
   * @param target the function's URL
   * @param log receives one line per delivery
   */
  EventarcBridge(
      PubSubClients pubsub,
      ProjectSubscriptionName subscription,
      TopicName topic,
      URI target,
      Consumer<String> log) {
    this.pubsub = pubsub;
    this.subscription = subscription;
    this.topic = topic;
    this.target = target;
    this.log = log;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  EventarcBridge start() {
    // Not the client's streaming pull: the emulator loses messages after its keep-alive cancels
    // a quiet stream (PullingSubscriber).
    subscriber =
        PullingSubscriber.concurrent(
                pubsub,
                subscription,
                4,
                DELIVERY_TIMEOUT.plusSeconds(30),
                received -> deliver(received.getMessage(), received.getDeliveryAttempt()),
                problem -> log.accept(problem))
            .start();
    return this;
  }

  long acked() {
    return acked.get();
  }

  long nacked() {
    return nacked.get();
  }

  /** The HTTP request Eventarc would send for {@code message}. */
  static HttpRequest cloudEventRequest(
      PubsubMessage message, TopicName topic, ProjectSubscriptionName subscription, URI target) {
    Instant publishTime =
        Instant.ofEpochSecond(
            message.getPublishTime().getSeconds(), message.getPublishTime().getNanos());
    return HttpRequest.newBuilder(target)
        .timeout(DELIVERY_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("ce-id", message.getMessageId())
        .header("ce-source", "//pubsub.googleapis.com/" + topic)
        .header("ce-type", MESSAGE_PUBLISHED)
        .header("ce-specversion", "1.0")
        .header("ce-time", publishTime.toString())
        .POST(HttpRequest.BodyPublishers.ofString(envelope(message, publishTime, subscription)))
        .build();
  }

  /** The {@code MessagePublishedData} JSON: the message and the subscription it came through. */
  static String envelope(
      PubsubMessage message, Instant publishTime, ProjectSubscriptionName subscription) {
    JsonObject attributes = new JsonObject();
    message.getAttributesMap().forEach(attributes::addProperty);
    JsonObject inner = new JsonObject();
    inner.addProperty("data", Base64.getEncoder().encodeToString(message.getData().toByteArray()));
    inner.add("attributes", attributes);
    inner.addProperty("messageId", message.getMessageId());
    inner.addProperty("publishTime", publishTime.toString());
    inner.addProperty("orderingKey", message.getOrderingKey());
    JsonObject body = new JsonObject();
    body.add("message", inner);
    body.addProperty("subscription", subscription.toString());
    return body.toString();
  }

  /** POSTs {@code message} to the function; true (ack) on a 2xx answer. */
  private boolean deliver(PubsubMessage message, int attempt) {
    // 0 when the subscription has no dead-letter policy (Pub/Sub counts attempts only then).
    String which =
        "message " + message.getMessageId() + (attempt == 0 ? "" : " attempt " + attempt);
    try {
      HttpResponse<String> response =
          http.send(
              cloudEventRequest(message, topic, subscription, target),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        acked.incrementAndGet();
        log.accept(which + " -> " + response.statusCode() + ", acked");
        return true;
      }
      nacked.incrementAndGet();
      log.accept(which + " -> " + response.statusCode() + ", nacked: Pub/Sub will redeliver");
      return false;
    } catch (IOException e) {
      nacked.incrementAndGet();
      log.accept(which + " -> not delivered (" + e + "), nacked: Pub/Sub will redeliver");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (subscriber != null) {
      subscriber.close();
    }
  }
}
