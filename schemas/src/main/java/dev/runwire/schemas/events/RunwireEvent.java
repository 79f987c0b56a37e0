package dev.runwire.schemas.events;

/**
 * Every message runwire publishes to the events topic. Each kind has its own JSON Schema and
 * CloudEvents type; {@link CloudEventAttributes} turns one into Pub/Sub attributes.
 */
public sealed interface RunwireEvent
    permits StepEvent, RunEvent, RejectedEvent, AcceptedEvent, LaunchFailedEvent {

  /** The CloudEvents {@code type}, e.g. {@code dev.runwire.step.v1}. */
  String ceType();

  /** The request this event is about; {@code null} when a rejected message had none. */
  String requestId();

  /** The schema file (under {@code schemas/}) that {@code data} validates against. */
  String schemaName();
}
