package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.sun.net.httpserver.HttpServer;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against the real Pub/Sub emulator and a tiny HTTP receiver standing in for the
 * function.
 */
class EventarcBridgeTest {

  /** What the receiver saw: headers (lower-case names) and body. */
  record Delivery(Map<String, String> headers, String body, Instant at) {}

  @TempDir static Path logs;
  static PubSubEmulatorProcess emulator;
  static PubSubClients pubsub;
  static final AtomicInteger projects = new AtomicInteger();

  HttpServer receiver;
  final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  volatile int answer = 204;

  @BeforeAll
  static void startEmulator() {
    emulator = PubSubEmulatorProcess.start(logs.resolve("pubsub.log"));
    pubsub = new PubSubClients(emulator.hostPort());
  }

  @AfterAll
  static void stopEmulator() {
    if (pubsub != null) {
      pubsub.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  /** The bridge from the topology's requests subscription to a fresh receiver, started. */
  private EventarcBridge startBridge(PubSubTopology topology, Consumer<String> log)
      throws IOException {
    return new EventarcBridge(
            pubsub, topology.requestsSubscription(), topology.requestsTopic(), startReceiver(), log)
        .start();
  }

  URI startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new java.util.TreeMap<>();
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          deliveries.add(new Delivery(headers, body, Instant.now()));
          exchange.sendResponseHeaders(answer, -1);
          exchange.close();
        });
    receiver.start();
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/");
  }

  static PubSubTopology freshTopology() {
    PubSubTopology topology =
        new PubSubTopology(
            "bridge-test-" + projects.incrementAndGet(),
            5,
            Duration.ofMillis(200),
            Duration.ofSeconds(1));
    topology.create(pubsub);
    return topology;
  }

  static String publish(PubSubTopology topology, String data, Map<String, String> attributes)
      throws Exception {
    Publisher publisher = pubsub.publisher(topology.requestsTopic());
    try {
      return publisher
          .publish(
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFromUtf8(data))
                  .putAllAttributes(attributes)
                  .build())
          .get(10, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void messageArrivesAsBinaryModeCloudEventLikeEventarcSendsIt() throws Exception {
    PubSubTopology topology = freshTopology();
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (EventarcBridge bridge = startBridge(topology, log::add)) {
      String json = "{\"requestId\":\"r-1\",\"mode\":\"plan\"}";
      String messageId = publish(topology, json, Map.of("origin", "test"));

      Delivery delivery = deliveries.poll(15, TimeUnit.SECONDS);
      assertNotNull(delivery, "no delivery within 15 s");
      Map<String, String> h = delivery.headers();
      assertEquals(messageId, h.get("ce-id"));
      assertEquals(
          "//pubsub.googleapis.com/projects/" + topology.project() + "/topics/runwire-requests",
          h.get("ce-source"));
      assertEquals("google.cloud.pubsub.topic.v1.messagePublished", h.get("ce-type"));
      assertEquals("1.0", h.get("ce-specversion"));
      assertEquals("application/json", h.get("content-type"));
      Instant ceTime = Instant.parse(h.get("ce-time"));

      JsonObject body = JsonParser.parseString(delivery.body()).getAsJsonObject();
      JsonObject message = body.getAsJsonObject("message");
      assertEquals(
          json,
          new String(
              Base64.getDecoder().decode(message.get("data").getAsString()),
              StandardCharsets.UTF_8));
      assertEquals("test", message.getAsJsonObject("attributes").get("origin").getAsString());
      assertEquals(messageId, message.get("messageId").getAsString());
      assertEquals(ceTime, Instant.parse(message.get("publishTime").getAsString()));
      assertEquals("", message.get("orderingKey").getAsString());
      assertEquals(
          "projects/" + topology.project() + "/subscriptions/runwire-requests-eventarc",
          body.get("subscription").getAsString());

      Thread.sleep(1500); // an acked message must not come back
      assertEquals(0, deliveries.size(), "acked message was redelivered");
      assertEquals(1, bridge.acked());
    }
  }

  @Test
  void failingFunctionGetsRetriesWithBackoffThenTheDeadLetterTopic() throws Exception {
    PubSubTopology topology = freshTopology();
    answer = 500;
    BlockingQueue<PubsubMessage> deadLetters = new LinkedBlockingQueue<>();
    Subscriber dlq =
        pubsub
            .subscriber(
                topology.deadLetterSubscription(),
                (message, reply) -> {
                  deadLetters.add(message);
                  reply.ack();
                })
            .build();
    dlq.startAsync().awaitRunning();
    try (EventarcBridge bridge = startBridge(topology, line -> {})) {
      String messageId = publish(topology, "{}", Map.of());

      PubsubMessage dead = deadLetters.poll(30, TimeUnit.SECONDS);
      assertNotNull(dead, "the message never reached the dead-letter topic");
      assertEquals("{}", dead.getData().toStringUtf8());

      List<Delivery> attempts = new ArrayList<>();
      deliveries.drainTo(attempts);
      assertEquals(5, attempts.size(), "delivery attempts before dead-lettering");
      for (Delivery attempt : attempts) {
        assertEquals(messageId, attempt.headers().get("ce-id"));
      }
      // Redeliveries wait for the retry policy's backoff (minimum 200 ms, growing). The emulator
      // applies it loosely per attempt (gaps seen: 0.13-2 s), so check the whole span.
      Duration span = Duration.between(attempts.get(0).at(), attempts.get(4).at());
      assertTrue(span.toMillis() >= 4 * 200, "5 attempts within " + span);
      assertEquals(5, bridge.nacked());
    } finally {
      dlq.stopAsync().awaitTerminated();
    }
  }

  /**
   * The Java subscriber pings a streaming pull every 30 s and, without an answer within 15 s,
   * cancels the stream and opens another (StreamingSubscriberConnection's keep-alive, protocol
   * version 1). The emulator (0.8.20) neither answers the ping nor survives the cancel (its
   * onRstStreamRead fails with NoSuchMethodError), so it keeps feeding the dead stream: a request
   * published after a quiet minute never reached the function. The bridge pulls without a stream.
   */
  @Test
  void messagePublishedAfterAQuietMinuteIsStillDelivered() throws Exception {
    PubSubTopology topology = freshTopology();
    try (EventarcBridge bridge = startBridge(topology, line -> {})) {
      Thread.sleep(Duration.ofSeconds(65).toMillis());
      String messageId = publish(topology, "{}", Map.of());

      Delivery delivery = deliveries.poll(15, TimeUnit.SECONDS);
      assertNotNull(delivery, "no delivery within 15 s after a quiet minute");
      assertEquals(messageId, delivery.headers().get("ce-id"));
    }
  }
}
