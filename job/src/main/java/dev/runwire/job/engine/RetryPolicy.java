package dev.runwire.job.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The one retry layer (the Google clients' own retries are off, see {@code CloudClients}), applied
 * to one API call at a time: a transient API error ({@link ApiErrors#isTransient}) is retried with
 * exponential backoff and jitter, up to {@code maxAttempts}; anything else is thrown at once.
 */
public final class RetryPolicy {

  private static final Logger LOG = Logger.getLogger(RetryPolicy.class.getName());

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final Sleeper sleeper;
  private final DoubleSupplier random;

  public RetryPolicy(
      int maxAttempts,
      Duration initialDelay,
      Duration maxDelay,
      Sleeper sleeper,
      DoubleSupplier random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** 7 attempts, 250 ms doubling up to 16 s: about 30 s of trying in the worst case. */
  public static RetryPolicy standard() {
    return startingAt(Duration.ofMillis(250));
  }

  /** 7 attempts, {@code initialDelay} doubling up to 64 times that (at most 16 s). */
  public static RetryPolicy startingAt(Duration initialDelay) {
    Duration max = initialDelay.multipliedBy(64);
    return new RetryPolicy(
        7,
        initialDelay,
        max.compareTo(Duration.ofSeconds(16)) > 0 ? Duration.ofSeconds(16) : max,
        Sleeper.REAL,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  public <T> T call(ApiCall<T> call) {
    return call(call, ApiErrors::isTransient);
  }

  /**
   * The same schedule for a call that is not a Google API's (e.g. the metadata server): {@code
   * retryable} says which of its failures are worth another try.
   */
  public <T> T call(ApiCall<T> call, Predicate<RuntimeException> retryable) {
    for (int attempt = 1; ; attempt++) {
      try {
        return ApiCall.unchecked(call);
      } catch (RuntimeException e) {
        if (attempt >= maxAttempts || !retryable.test(e)) {
          throw e;
        }
        Duration delay = delayBefore(attempt + 1);
        LOG.fine(() -> "transient error, retrying in " + delay.toMillis() + " ms: " + e);
        ApiCall.unchecked(
            () -> {
              sleeper.sleep(delay);
              return null;
            });
      }
    }
  }

  /**
   * The pause before {@code attempt} (2, 3...): the exponential delay, with "equal jitter" (half
   * fixed, half random) so that concurrent executions spread out and still back off.
   */
  Duration delayBefore(int attempt) {
    long exponential = initialDelay.toMillis() << Math.min(attempt - 2, 20);
    long capped = Math.min(exponential, maxDelay.toMillis());
    return Duration.ofMillis(capped / 2 + (long) (random.getAsDouble() * (capped / 2.0)));
  }
}
