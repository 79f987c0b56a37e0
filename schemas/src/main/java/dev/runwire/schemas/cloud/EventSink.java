package dev.runwire.schemas.cloud;

import dev.runwire.schemas.events.RunwireEvent;

/** Where events go: the Pub/Sub events topic, a log, a test's list. */
public interface EventSink extends AutoCloseable {

  void publish(RunwireEvent event);

  /**
   * Blocks until everything published so far has been delivered.
   *
   * @throws EventPublishException when an event could not be delivered
   */
  default void flush() {}

  @Override
  default void close() {
    flush();
  }
}
