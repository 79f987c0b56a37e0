package dev.runwire.schemas.events;

import java.time.Instant;

/**
 * A valid request whose execution could not be started, with the cause and the fix.
 *
 * @param code the API status, e.g. {@code NOT_FOUND}, {@code PERMISSION_DENIED}
 * @param retryable whether the message will be redelivered
 */
public record LaunchFailedEvent(
    String apiVersion,
    String requestId,
    String messageId,
    String code,
    String reason,
    String fix,
    boolean retryable,
    Instant failedAt)
    implements RunwireEvent {

  public static final String TYPE = "dev.runwire.request.launch-failed.v1";

  public LaunchFailedEvent {
    apiVersion = apiVersion == null ? "runwire.dev/v1" : apiVersion;
  }

  @Override
  public String ceType() {
    return TYPE;
  }

  @Override
  public String schemaName() {
    return "launch-failed-event";
  }
}
