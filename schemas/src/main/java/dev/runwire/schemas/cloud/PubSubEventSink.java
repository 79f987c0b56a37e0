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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes events to a Pub/Sub topic as CloudEvents (binary mode), ordering key = requestId, so
 * one request's events arrive in order. Publishing is batched by the client library and never
 * blocks the caller; {@link #flush()} waits for delivery.
 */
public final class PubSubEventSink implements EventSink {

  private static final Logger LOG = Logger.getLogger(PubSubEventSink.class.getName());

  private final Publisher publisher;
  private final ManagedChannel channel;
  private final String source;
  private final Clock clock;
  private final List<ApiFuture<String>> pending = new CopyOnWriteArrayList<>();

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
    if (event.requestId() != null) {
      message.setOrderingKey(event.requestId());
    }
    pending.add(publisher.publish(message.build()));
  }

  @Override
  public void flush() {
    publisher.publishAllOutstanding();
    for (ApiFuture<String> future : pending) {
      try {
        future.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.log(Level.WARNING, "an event could not be published: " + e.getMessage());
      }
      pending.remove(future);
    }
  }

  @Override
  public void close() {
    flush();
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
