package dev.runwire.demo;

import com.google.gson.JsonParseException;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Reads the events subscription and hands every runwire event, decoded by its CloudEvents type, to
 * the registered listeners. Acks everything it reads; messages it cannot decode are reported and
 * dropped.
 */
final class EventFeed implements AutoCloseable {

  private static final Map<String, Class<? extends RunwireEvent>> TYPES =
      Map.of(
          StepEvent.TYPE, StepEvent.class,
          RunEvent.TYPE, RunEvent.class,
          RejectedEvent.TYPE, RejectedEvent.class,
          AcceptedEvent.TYPE, AcceptedEvent.class,
          LaunchFailedEvent.TYPE, LaunchFailedEvent.class);

  private final PubSubClients pubsub;
  private final ProjectSubscriptionName subscription;
  private final Consumer<String> problems;
  private final List<Consumer<RunwireEvent>> listeners = new CopyOnWriteArrayList<>();
  private PullingSubscriber subscriber;

  EventFeed(PubSubClients pubsub, ProjectSubscriptionName subscription, Consumer<String> problems) {
    this.pubsub = pubsub;
    this.subscription = subscription;
    this.problems = problems;
  }

  EventFeed start() {
    // In order, and not with the client's streaming pull: the emulator stalls a key whose message
    // went to a stream its keep-alive cancelled (PullingSubscriber).
    subscriber =
        PullingSubscriber.inOrder(
                pubsub,
                subscription,
                received -> {
                  decode(received.getMessage()).ifPresent(this::dispatch);
                  return true;
                },
                problems)
            .start();
    return this;
  }

  /** Registers a listener; returns a handle that removes it. */
  AutoCloseable listen(Consumer<RunwireEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  Optional<RunwireEvent> decode(PubsubMessage message) {
    String type = message.getAttributesOrDefault("ce-type", "");
    Class<? extends RunwireEvent> kind = TYPES.get(type);
    if (kind == null) {
      problems.accept(
          "event " + message.getMessageId() + " has an unknown ce-type '" + type + "'; ignored");
      return Optional.empty();
    }
    try {
      return Optional.of(MessageCodec.fromJson(message.getData().toStringUtf8(), kind));
    } catch (JsonParseException e) {
      problems.accept(
          "event " + message.getMessageId() + " is not a valid " + type + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void dispatch(RunwireEvent event) {
    for (Consumer<RunwireEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        problems.accept("an event listener failed: " + e);
      }
    }
  }

  @Override
  public void close() {
    if (subscriber != null) {
      subscriber.close();
    }
  }
}
