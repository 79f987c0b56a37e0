package dev.runwire.demo;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a subscription with unary {@code Pull} calls (as {@code gcloud pubsub subscriptions pull}
 * does), not with the client library's streaming pull.
 *
 * <p>Why: the Java {@code Subscriber} pings its stream every 30 s and, when the server does not
 * answer within 15 s, cancels the stream and opens a new one (StreamingSubscriberConnection's
 * keep-alive, protocol version 1, not configurable). Google's Pub/Sub emulator (0.8.20) answers no
 * ping and fails on the cancel ({@code NoSuchMethodError} in {@code onRstStreamRead}, in its log),
 * so after every quiet ~45 s it keeps a dead stream and hands messages to it: a request published
 * after a quiet minute never reached the function, and an ordered key whose message went there
 * stalled. A unary pull with {@code returnImmediately} is never cancelled, so nothing goes astray.
 *
 * <p>{@link #concurrent} handles up to {@code n} messages at once; {@link #inOrder} handles one
 * pulled batch after the other on one thread, in the order Pub/Sub gives them (an ordered
 * subscription gives a key's messages in publish order and the next ones only after these are
 * acked). The handler's answer acks the message ({@code true}) or nacks it ({@code false}: ack
 * deadline 0, so the subscription's retry and dead-letter policies apply, as for a nack of the
 * streaming client).
 */
final class PullingSubscriber implements AutoCloseable {

  /** Handles one message; true acks it, false nacks it. */
  interface Handler {
    boolean handle(ReceivedMessage message);
  }

  private static final Duration IDLE_PAUSE = Duration.ofMillis(50);
  private static final int IN_ORDER_BATCH = 100;
  private static final Duration ERROR_PAUSE = Duration.ofMillis(500);

  private final SubscriptionAdminClient client;
  private final ProjectSubscriptionName subscription;
  private final int concurrency;
  private final boolean inOrder;
  private final Duration leaseFor;
  private final Handler handler;
  private final Consumer<String> problems;
  private final Semaphore free;
  private final ExecutorService workers;
  private final Thread puller;
  private volatile boolean stopping;

  /**
   * Handles up to {@code concurrency} messages at once.
   *
   * @param leaseFor how long a handler may take: the ack deadline of each pulled message is set to
   *     this at once, so a slow handler does not see its message delivered again meanwhile
   */
  static PullingSubscriber concurrent(
      PubSubClients pubsub,
      ProjectSubscriptionName subscription,
      int concurrency,
      Duration leaseFor,
      Handler handler,
      Consumer<String> problems) {
    return new PullingSubscriber(
        pubsub, subscription, concurrency, false, leaseFor, handler, problems);
  }

  /** Handles the messages one after the other, in the order they are pulled. */
  static PullingSubscriber inOrder(
      PubSubClients pubsub,
      ProjectSubscriptionName subscription,
      Handler handler,
      Consumer<String> problems) {
    return new PullingSubscriber(pubsub, subscription, 1, true, Duration.ZERO, handler, problems);
  }

  private PullingSubscriber(
      PubSubClients pubsub,
      ProjectSubscriptionName subscription,
      int concurrency,
      boolean inOrder,
      Duration leaseFor,
      Handler handler,
      Consumer<String> problems) {
    this.client = pubsub.subscriptionAdmin();
    this.subscription = subscription;
    this.concurrency = concurrency;
    this.inOrder = inOrder;
    this.leaseFor = leaseFor;
    this.handler = handler;
    this.problems = problems;
    this.free = new Semaphore(concurrency);
    this.workers =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "pull-" + subscription.getSubscription());
              t.setDaemon(true);
              return t;
            });
    this.puller = new Thread(this::pullLoop, "pull-" + subscription.getSubscription() + "-loop");
    this.puller.setDaemon(true);
  }

  PullingSubscriber start() {
    puller.start();
    return this;
  }

  private void pullLoop() {
    if (inOrder) {
      pullInOrder();
      return;
    }
    while (!stopping) {
      try {
        free.acquire();
        int slots = 1 + free.drainPermits();
        List<ReceivedMessage> messages = pull(slots);
        free.release(slots - messages.size());
        if (messages.isEmpty()) {
          Thread.sleep(IDLE_PAUSE.toMillis());
          continue;
        }
        if (leaseFor.toSeconds() > 0) {
          client.modifyAckDeadline(
              subscription.toString(),
              messages.stream().map(ReceivedMessage::getAckId).toList(),
              (int) Math.min(600, leaseFor.toSeconds()));
        }
        for (ReceivedMessage m : messages) {
          workers.execute(() -> handle(m));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        problems.accept("pulling " + subscription.getSubscription() + " failed: " + e);
        free.release(concurrency - free.availablePermits());
        pause(ERROR_PAUSE);
      }
    }
  }

  private void pullInOrder() {
    while (!stopping) {
      try {
        List<ReceivedMessage> messages = pull(IN_ORDER_BATCH);
        if (messages.isEmpty()) {
          Thread.sleep(IDLE_PAUSE.toMillis());
          continue;
        }
        List<String> acks = new java.util.ArrayList<>();
        List<String> nacks = new java.util.ArrayList<>();
        for (ReceivedMessage m : messages) {
          (handled(m) ? acks : nacks).add(m.getAckId());
        }
        if (!acks.isEmpty()) {
          client.acknowledge(subscription.toString(), acks);
        }
        if (!nacks.isEmpty()) {
          client.modifyAckDeadline(subscription.toString(), nacks, 0);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        problems.accept("pulling " + subscription.getSubscription() + " failed: " + e);
        pause(ERROR_PAUSE);
      }
    }
  }

  private boolean handled(ReceivedMessage m) {
    try {
      return handler.handle(m);
    } catch (RuntimeException e) {
      problems.accept("handling message " + m.getMessage().getMessageId() + " failed: " + e);
      return false;
    }
  }

  private List<ReceivedMessage> pull(int max) {
    return client
        .pull(
            PullRequest.newBuilder()
                .setSubscription(subscription.toString())
                .setMaxMessages(max)
                // Answered at once, so the call is never cancelled (see the class comment).
                .setReturnImmediately(true)
                .build())
        .getReceivedMessagesList();
  }

  private void handle(ReceivedMessage m) {
    try {
      boolean ack = handled(m);
      if (stopping) {
        return;
      }
      if (ack) {
        client.acknowledge(subscription.toString(), List.of(m.getAckId()));
      } else {
        client.modifyAckDeadline(subscription.toString(), List.of(m.getAckId()), 0);
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        problems.accept(
            "answering message "
                + m.getMessage().getMessageId()
                + " failed: "
                + e
                + "; Pub/Sub"
                + " delivers it again after its ack deadline");
      }
    } finally {
      free.release();
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopping = true;
    puller.interrupt();
    workers.shutdown();
    try {
      puller.join(5_000);
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    client.close();
  }
}
