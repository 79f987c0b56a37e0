package dev.runwire.schemas.cloud;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.TopicName;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.events.CloudEventAttributes;
import dev.runwire.schemas.events.RunwireEvent;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes events to a Pub/Sub topic as CloudEvents (binary mode), ordering key = requestId, so
 * one request's events arrive in order. Publishing is batched by the client library and never
 * blocks the caller; {@link #flush()} waits for delivery.
 */
public final class PubSubEventSink implements EventSink {

  private final Publisher publisher;
  private final ManagedChannel channel;
  private final String source;
  private final Clock clock;
  private final List<Pending> pending = new CopyOnWriteArrayList<>();

  private PubSubEventSink(Publisher publisher, ManagedChannel channel, String source, Clock clock) {
    this.publisher = publisher;
    this.channel = channel;
    this.source = source;
    this.clock = clock;
  }

  /**
   * @param topic {@code projects/P/topics/T}
   * @param source the CloudEvents source of everything published here
   */
  public static PubSubEventSink open(String topic, String source, CloudEndpoints endpoints) {
    try {
      Publisher.Builder builder =
          Publisher.newBuilder(TopicName.parse(topic)).setEnableMessageOrdering(true);
      ManagedChannel channel = null;
      String emulator = endpoints.pubsubEmulatorHost();
      if (emulator != null) {
        channel = ManagedChannelBuilder.forTarget(emulator).usePlaintext().build();
        builder
            .setChannelProvider(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create());
      }
      return new PubSubEventSink(builder.build(), channel, source, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a publisher for " + topic, e);
    }
  }

  @Override
  public void publish(RunwireEvent event) {
    PubsubMessage.Builder message =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFromUtf8(MessageCodec.toJson(event)))
            .putAllAttributes(CloudEventAttributes.of(event, source, clock.instant()));
    String orderingKey = event.requestId() == null ? "" : event.requestId();
    message.setOrderingKey(orderingKey);
    pending.add(new Pending(event.ceType(), orderingKey, publisher.publish(message.build())));
  }

  /**
   * Waits for every event published so far.
   *
   * @throws EventPublishException when any of them could not be delivered (after the client's own
   *     retries); the others are still waited for
   */
  @Override
  public void flush() {
    publisher.publishAllOutstanding();
    EventPublishException failure = null;
    for (Pending p : pending) {
      try {
        p.future().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EventPublishException("interrupted while publishing " + p.type(), e);
      } catch (ExecutionException | TimeoutException e) {
        if (!p.orderingKey().isEmpty()) {
          // After a failure the client pauses the key; later events of the request must still go.
          publisher.resumePublish(p.orderingKey());
        }
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        failure =
            new EventPublishException(
                "a " + p.type() + " event could not be published: " + cause, cause);
      }
      pending.remove(p);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private record Pending(String type, String orderingKey, ApiFuture<String> future) {}

  @Override
  public void close() {
    try {
      flush();
    } finally {
      shutdown();
    }
  }

  private void shutdown() {
    publisher.shutdown();
    try {
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
