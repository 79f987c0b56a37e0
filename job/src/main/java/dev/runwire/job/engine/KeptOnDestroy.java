package dev.runwire.job.engine;

/**
 * Thrown by a {@link Deleter} when the cloud refuses the delete for a while and says so (a subnet
 * Cloud Run still holds): destroy does not fail, the step ends {@link StepOutcome.Kept} with this
 * message, exactly as when {@code keepOnDestroy} keeps a resource up front.
 */
public final class KeptOnDestroy extends RuntimeException {

  public KeptOnDestroy(String message, Throwable cause) {
    super(message, cause);
  }
}
