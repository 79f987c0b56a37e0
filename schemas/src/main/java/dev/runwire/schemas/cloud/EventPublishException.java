package dev.runwire.schemas.cloud;

/**
 * Events could not be delivered to the events topic. The function lets it fail the delivery, so
 * Pub/Sub redelivers the request and the event is published again rather than lost.
 */
public final class EventPublishException extends RuntimeException {

  public EventPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
