package dev.runwire.demo;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
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
  private final Handler handler;
  private final Consumer<String> problems;
  private final Dispatch dispatch;
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
    this.handler = handler;
    this.problems = problems;
    this.dispatch = inOrder ? new InOrder() : new OnWorkers(concurrency, leaseFor);
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

  /** The one read loop: reserve room, pull that many at once, hand them to the dispatch. */
  private void pullLoop() {
    while (!stopping) {
      try {
        int room = dispatch.reserve();
        List<ReceivedMessage> messages = pull(room);
        dispatch.release(room - messages.size());
        if (messages.isEmpty()) {
          Thread.sleep(IDLE_PAUSE.toMillis());
          continue;
        }
        dispatch.handle(messages);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        problems.accept("pulling " + subscription.getSubscription() + " failed: " + e);
        dispatch.recover();
        pause(ERROR_PAUSE);
      }
    }
  }

  /** How pulled messages are handled: how many may be pulled now, and who handles them. */
  private interface Dispatch {
    /** How many messages to pull now; may wait for room. */
    int reserve() throws InterruptedException;

    /** Gives back room the pull did not fill. */
    void release(int unused);

    void handle(List<ReceivedMessage> messages);

    /** After a failed pull or lease: all room free again. */
    void recover();
  }

  /** Up to {@code concurrency} messages at once on the workers, each answered on its own. */
  private final class OnWorkers implements Dispatch {
    private final int concurrency;
    private final Duration leaseFor;
    private final Semaphore free;

    OnWorkers(int concurrency, Duration leaseFor) {
      this.concurrency = concurrency;
      this.leaseFor = leaseFor;
      this.free = new Semaphore(concurrency);
    }

    @Override
    public int reserve() throws InterruptedException {
      free.acquire();
      return 1 + free.drainPermits();
    }

    @Override
    public void release(int unused) {
      free.release(unused);
    }

    @Override
    public void handle(List<ReceivedMessage> messages) {
      if (leaseFor.toSeconds() > 0) {
        client.modifyAckDeadline(
            subscription.toString(),
            messages.stream().map(ReceivedMessage::getAckId).toList(),
            (int) Math.min(600, leaseFor.toSeconds()));
      }
      for (ReceivedMessage m : messages) {
        workers.execute(() -> handleOnWorker(m));
      }
    }

    private void handleOnWorker(ReceivedMessage m) {
      try {
        boolean ack = handled(m);
        if (stopping) {
          return;
        }
        answer(ack ? List.of(m.getAckId()) : List.of(), ack ? List.of() : List.of(m.getAckId()));
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

    @Override
    public void recover() {
      free.release(concurrency - free.availablePermits());
    }
  }

  /** A batch at a time on the pulling thread, in pull order, answered together. */
  private final class InOrder implements Dispatch {
    @Override
    public int reserve() {
      return IN_ORDER_BATCH;
    }

    @Override
    public void release(int unused) {}

    @Override
    public void handle(List<ReceivedMessage> messages) {
      List<String> acks = new ArrayList<>();
      List<String> nacks = new ArrayList<>();
      for (ReceivedMessage m : messages) {
        (handled(m) ? acks : nacks).add(m.getAckId());
      }
      answer(acks, nacks);
    }

    @Override
    public void recover() {}
  }

  /** Acks {@code acks}; nacks {@code nacks} (ack deadline 0, so the retry policy applies). */
  private void answer(List<String> acks, List<String> nacks) {
    if (!acks.isEmpty()) {
      client.acknowledge(subscription.toString(), acks);
    }
    if (!nacks.isEmpty()) {
      client.modifyAckDeadline(subscription.toString(), nacks, 0);
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
