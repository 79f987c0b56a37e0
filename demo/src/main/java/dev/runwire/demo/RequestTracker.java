package dev.runwire.demo;

import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows one published request through the events topic: keeps its events in arrival order and
 * completes when the request ends (the run event, a rejection or a failed launch). Events are
 * matched by requestId, and by the Pub/Sub message id for a rejection of a request whose id could
 * not be read.
 */
final class RequestTracker implements Consumer<RunwireEvent> {

  /** How a request ended. */
  sealed interface Outcome {
    /** The job ran: succeeded, failed or drifted. */
    record Finished(RunEvent run) implements Outcome {}

    /** The function rejected the request; the job did not run. */
    record Rejected(RejectedEvent rejected) implements Outcome {}

    /** The request was valid but no execution could be started. */
    record LaunchFailed(LaunchFailedEvent failed) implements Outcome {}
  }

  private final String requestId;
  private volatile String messageId;
  private final List<RunwireEvent> events = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final List<Consumer<RunwireEvent>> listeners = new CopyOnWriteArrayList<>();

  RequestTracker(String requestId) {
    this.requestId = requestId;
  }

  String requestId() {
    return requestId;
  }

  /** The id Pub/Sub gave the published request, once known. */
  void messageId(String id) {
    this.messageId = id;
  }

  /** Receives each of this request's events as it arrives, before the outcome completes. */
  void onEvent(Consumer<RunwireEvent> listener) {
    listeners.add(listener);
  }

  @Override
  public void accept(RunwireEvent event) {
    if (!concerns(event)) {
      return;
    }
    events.add(event);
    listeners.forEach(l -> l.accept(event));
    if (event instanceof RunEvent run) {
      outcome.complete(new Outcome.Finished(run));
    } else if (event instanceof RejectedEvent rejected) {
      outcome.complete(new Outcome.Rejected(rejected));
    } else if (event instanceof LaunchFailedEvent failed && !failed.retryable()) {
      // a retryable failure is redelivered by Pub/Sub; the request may still start
      outcome.complete(new Outcome.LaunchFailed(failed));
    }
  }

  private boolean concerns(RunwireEvent event) {
    if (requestId.equals(event.requestId())) {
      return true;
    }
    String mine = messageId;
    if (mine == null) {
      return false;
    }
    if (event instanceof RejectedEvent r) {
      return mine.equals(r.messageId());
    }
    return event instanceof LaunchFailedEvent l && mine.equals(l.messageId());
  }

  /** This request's events so far, in arrival order. */
  List<RunwireEvent> events() {
    return List.copyOf(events);
  }

  <T extends RunwireEvent> List<T> events(Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** Waits for the end of the request. */
  Outcome await(Duration timeout) throws TimeoutException, InterruptedException {
    try {
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
