package dev.runwire.schemas.events;

import java.time.Instant;
import java.util.List;

/**
 * A request that failed validation or that the deployment policy refused; the job was not launched
 * (or, run by hand, stopped before any API call). Lists every problem at once.
 *
 * @param requestId the request's id when it could be read, else {@code null}
 * @param messageId the Pub/Sub message id, so the publisher can find its message
 */
public record RejectedEvent(
    String apiVersion,
    String requestId,
    String messageId,
    Instant receivedAt,
    List<Problem> problems)
    implements RunwireEvent {

  public static final String TYPE = "dev.runwire.request.rejected.v1";

  public RejectedEvent {
    apiVersion = apiVersion == null ? "runwire.dev/v1" : apiVersion;
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  @Override
  public String ceType() {
    return TYPE;
  }

  @Override
  public String schemaName() {
    return "rejected-event";
  }

  /**
   * One problem: where (JSON pointer into the request) and what to fix.
   *
   * @param reason a named reason when a deployment policy refused the request (e.g. {@code
   *     ImageNotAllowed}), so subscribers can act without parsing messages; {@code null} for a
   *     validation problem
   */
  public record Problem(String pointer, String message, String reason) {

    /** A validation problem (no named reason). */
    public Problem(String pointer, String message) {
      this(pointer, message, null);
    }

    @Override
    public String toString() {
      return (pointer.isEmpty() ? "/" : pointer)
          + ": "
          + (reason == null ? "" : reason + ": ")
          + message;
    }
  }
}
