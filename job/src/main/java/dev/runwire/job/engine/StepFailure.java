package dev.runwire.job.engine;

/**
 * A step cannot do its work for a reason runwire understands (a missing network, a change that
 * needs replacement): {@code reason} is one of {@link Reasons}, the message says what to fix. Never
 * carries a secret.
 */
public class StepFailure extends RuntimeException {

  private final String reason;

  public StepFailure(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public StepFailure(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
