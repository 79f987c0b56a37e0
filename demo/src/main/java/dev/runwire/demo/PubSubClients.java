package dev.runwire.demo;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Pub/Sub clients wired to the emulator: one plaintext gRPC channel and no credentials (the Java
 * client does not read {@code PUBSUB_EMULATOR_HOST} by itself).
 */
final class PubSubClients implements AutoCloseable {

  private final String hostPort;
  private final ManagedChannel channel;
  private final TransportChannelProvider channelProvider;
  private final CredentialsProvider credentials = NoCredentialsProvider.create();

  PubSubClients(String hostPort) {
    this.hostPort = hostPort;
    this.channel = ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
    this.channelProvider =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  String hostPort() {
    return hostPort;
  }

  TopicAdminClient topicAdmin() {
    try {
      return TopicAdminClient.create(
          TopicAdminSettings.newBuilder()
              .setTransportChannelProvider(channelProvider)
              .setCredentialsProvider(credentials)
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SubscriptionAdminClient subscriptionAdmin() {
    try {
      return SubscriptionAdminClient.create(
          SubscriptionAdminSettings.newBuilder()
              .setTransportChannelProvider(channelProvider)
              .setCredentialsProvider(credentials)
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Publisher publisher(TopicName topic) {
    try {
      return Publisher.newBuilder(topic)
          .setChannelProvider(channelProvider)
          .setCredentialsProvider(credentials)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The client library's streaming subscriber: only for short reads. A stream quiet for ~45 s is
   * cancelled by the client's keep-alive and then lost by the emulator; anything that reads for
   * longer uses {@link PullingSubscriber}.
   */
  Subscriber.Builder subscriber(ProjectSubscriptionName subscription, MessageReceiver receiver) {
    return Subscriber.newBuilder(subscription, receiver)
        .setChannelProvider(channelProvider)
        .setCredentialsProvider(credentials);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
