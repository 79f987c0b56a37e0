package dev.runwire.demo;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.RetryPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import java.time.Duration;

/**
 * The topics and subscriptions runwire uses, as {@code terraform-bootstrap/} creates them in a real
 * project: requests (delivered to the function through an Eventarc-like subscription with retry
 * backoff and a dead-letter topic), events, and the dead-letter topic.
 *
 * @param maxDeliveryAttempts delivery attempts before a request moves to the dead-letter topic
 * @param minimumBackoff first redelivery delay after a nack (Eventarc's default is 10 s; locally
 *     shorter so a retry is visible within a demo)
 */
record PubSubTopology(
    String project, int maxDeliveryAttempts, Duration minimumBackoff, Duration maximumBackoff) {

  static final String REQUESTS = "runwire-requests";
  static final String EVENTS = "runwire-events";
  static final String DEAD_LETTER = "runwire-requests-dead-letter";

  static PubSubTopology standard(String project) {
    return new PubSubTopology(project, 5, Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  TopicName requestsTopic() {
    return TopicName.of(project, REQUESTS);
  }

  TopicName eventsTopic() {
    return TopicName.of(project, EVENTS);
  }

  TopicName deadLetterTopic() {
    return TopicName.of(project, DEAD_LETTER);
  }

  /** The subscription the Eventarc bridge pulls, as Eventarc's trigger subscription. */
  ProjectSubscriptionName requestsSubscription() {
    return ProjectSubscriptionName.of(project, REQUESTS + "-eventarc");
  }

  /** What the progress view (and the tests) read. Ordered: one request's events in order. */
  ProjectSubscriptionName eventsSubscription() {
    return ProjectSubscriptionName.of(project, EVENTS + "-progress");
  }

  ProjectSubscriptionName deadLetterSubscription() {
    return ProjectSubscriptionName.of(project, DEAD_LETTER + "-sub");
  }

  /** Creates every topic and subscription; existing ones are kept. */
  void create(PubSubClients pubsub) {
    try (TopicAdminClient topics = pubsub.topicAdmin();
        SubscriptionAdminClient subscriptions = pubsub.subscriptionAdmin()) {
      for (TopicName topic : new TopicName[] {requestsTopic(), eventsTopic(), deadLetterTopic()}) {
        try {
          topics.createTopic(topic);
        } catch (AlreadyExistsException e) {
          // keep it
        }
      }
      // The dead-letter subscription first: messages forwarded to a topic without subscribers are
      // dropped.
      createSubscription(
          subscriptions,
          Subscription.newBuilder()
              .setName(deadLetterSubscription().toString())
              .setTopic(deadLetterTopic().toString())
              .setAckDeadlineSeconds(60)
              .build());
      createSubscription(
          subscriptions,
          Subscription.newBuilder()
              .setName(requestsSubscription().toString())
              .setTopic(requestsTopic().toString())
              .setAckDeadlineSeconds(60)
              .setRetryPolicy(
                  RetryPolicy.newBuilder()
                      .setMinimumBackoff(Durations.fromMillis(minimumBackoff.toMillis()))
                      .setMaximumBackoff(Durations.fromMillis(maximumBackoff.toMillis())))
              .setDeadLetterPolicy(
                  DeadLetterPolicy.newBuilder()
                      .setDeadLetterTopic(deadLetterTopic().toString())
                      .setMaxDeliveryAttempts(maxDeliveryAttempts))
              .build());
      createSubscription(
          subscriptions,
          Subscription.newBuilder()
              .setName(eventsSubscription().toString())
              .setTopic(eventsTopic().toString())
              .setAckDeadlineSeconds(60)
              .setEnableMessageOrdering(true)
              .build());
    }
  }

  private static void createSubscription(SubscriptionAdminClient client, Subscription sub) {
    try {
      client.createSubscription(sub);
    } catch (AlreadyExistsException e) {
      // keep it
    }
  }
}
