package dev.runwire.schemas.events;

import java.time.Instant;

/**
 * A valid request for which an execution runs.
 *
 * @param execution full name of the Cloud Run job execution
 * @param duplicate true when the request was already running and no new execution was started
 */
public record AcceptedEvent(
    String apiVersion,
    String requestId,
    String messageId,
    String mode,
    String execution,
    int taskCount,
    boolean duplicate,
    Instant acceptedAt)
    implements RunwireEvent {

  public static final String TYPE = "dev.runwire.request.accepted.v1";

  public AcceptedEvent {
    apiVersion = apiVersion == null ? "runwire.dev/v1" : apiVersion;
  }

  @Override
  public String ceType() {
    return TYPE;
  }

  @Override
  public String schemaName() {
    return "accepted-event";
  }
}
