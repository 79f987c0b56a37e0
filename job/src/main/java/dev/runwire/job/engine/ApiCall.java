package dev.runwire.job.engine;

/** One call to a Google API (or a wait on one of its operations). */
@FunctionalInterface
public interface ApiCall<T> {
  T call() throws Exception;

  /** Runs {@code call}, turning a checked exception into the unchecked one it wraps. */
  static <T> T unchecked(ApiCall<T> call) {
    try {
      return call.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure(Reasons.INTERNAL, "interrupted", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = ApiErrors.unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new StepFailure(Reasons.INTERNAL, String.valueOf(cause.getMessage()), cause);
    }
  }
}
