package dev.runwire.schemas.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.Status;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink against Google's own Pub/Sub emulator: what subscribers receive, and lost events. */
class PubSubEventSinkTest {

  private static final String PROJECT = "runwire-test";

  private static PubSubEmulatorProcess emulator;
  private static ManagedChannel channel;
  private static TopicAdminClient topics;
  private static SubscriptionAdminClient subscriptions;

  @BeforeAll
  static void startEmulator() throws Exception {
    emulator = PubSubEmulatorProcess.start();
    channel = ManagedChannelBuilder.forTarget(emulator.hostPort()).usePlaintext().build();
    TransportChannelProvider transport =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    topics =
        TopicAdminClient.create(
            TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(transport)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    subscriptions =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(transport)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterAll
  static void stopEmulator() {
    if (topics != null) {
      topics.close();
      subscriptions.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void stepEventsArriveAsCloudEventsOrderedByRequest() {
    String topic = "projects/" + PROJECT + "/topics/events";
    String subscription = "projects/" + PROJECT + "/subscriptions/events-sub";
    topics.createTopic(topic);
    subscriptions.createSubscription(
        Subscription.newBuilder()
            .setName(subscription)
            .setTopic(topic)
            .setPushConfig(PushConfig.getDefaultInstance())
            .setEnableMessageOrdering(true)
            .build());
    CloudEndpoints endpoints = CloudEndpoints.local("http://127.0.0.1:1", emulator.hostPort());

    try (PubSubEventSink sink = PubSubEventSink.open(topic, "//runwire.test/job", endpoints)) {
      sink.publish(step("req-1", Status.STARTED));
      sink.publish(step("req-1", Status.SUCCEEDED));
      sink.flush();
    }

    List<PubsubMessage> received = pull(subscription, 2);
    assertEquals(2, received.size());
    PubsubMessage first = received.get(0);
    assertEquals("dev.runwire.step.v1", first.getAttributesOrThrow("ce-type"));
    assertEquals("1.0", first.getAttributesOrThrow("ce-specversion"));
    assertEquals("//runwire.test/job", first.getAttributesOrThrow("ce-source"));
    assertEquals("req-1", first.getAttributesOrThrow("requestId"));
    assertEquals("redis-instance", first.getAttributesOrThrow("step"));
    assertEquals("req-1", first.getOrderingKey());
    assertEquals(
        List.of("started", "succeeded"),
        received.stream().map(m -> m.getAttributesOrThrow("status")).toList());
    for (PubsubMessage message : received) {
      assertEquals(
          List.of(),
          MessageSchemas.standard().check("step-event", message.getData().toStringUtf8()));
    }
  }

  @Test
  void anEventThatCannotBeDeliveredFailsTheFlush() {
    String missingTopic = "projects/" + PROJECT + "/topics/no-such-topic";
    CloudEndpoints endpoints = CloudEndpoints.local("http://127.0.0.1:1", emulator.hostPort());
    PubSubEventSink sink = PubSubEventSink.open(missingTopic, "//runwire.test/job", endpoints);
    try {
      sink.publish(step("req-2", Status.STARTED));
      EventPublishException failure = assertThrows(EventPublishException.class, sink::flush);
      assertTrue(failure.getMessage().contains("dev.runwire.step.v1"), failure.getMessage());
    } finally {
      sink.close(); // the failed event was reported once; closing does not report it again
    }
  }

  private static StepEvent step(String requestId, Status status) {
    Instant now = Instant.now();
    return new StepEvent(
        null,
        requestId,
        "runwire-job-abcde",
        "redis-instance",
        "//redis.googleapis.com/projects/p/locations/us-central1/instances/cache",
        null,
        Action.NONE,
        status,
        1,
        now,
        status == Status.STARTED ? null : now,
        status == Status.STARTED ? null : 0L,
        List.of(),
        null,
        null,
        null);
  }

  private static List<PubsubMessage> pull(String subscription, int expected) {
    List<PubsubMessage> messages = new ArrayList<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (messages.size() < expected && System.nanoTime() < deadline) {
      List<ReceivedMessage> batch =
          subscriptions.pull(subscription, expected - messages.size()).getReceivedMessagesList();
      for (ReceivedMessage m : batch) {
        messages.add(m.getMessage());
        subscriptions.acknowledge(subscription, List.of(m.getAckId()));
      }
    }
    return messages;
  }
}
