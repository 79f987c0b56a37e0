package dev.runwire.job.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one waiting policy. Where an operation is known the client polls it (its polling algorithm is
 * set from the same {@link #initialDelay()}, see {@code CloudClients}); otherwise the resource
 * itself is polled with exponential backoff. Either way a step gives up at its deadline.
 */
public final class WaitPolicy {

  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final Duration stepTimeout;
  private final Sleeper sleeper;
  private final Clock clock;

  public WaitPolicy(
      Duration initialDelay,
      Duration maxDelay,
      double multiplier,
      Duration stepTimeout,
      Sleeper sleeper,
      Clock clock) {
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.multiplier = multiplier;
    this.stepTimeout = stepTimeout;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /**
   * Waits starting at {@code initialDelay} (5 s against Google, ~50 ms locally), growing ×1.5 up to
   * three times that, at most 30 s. The cap bounds how late a finished operation is noticed: 15 s
   * by default, 5% of a five-minute Redis create, for about four polls a minute.
   */
  public static WaitPolicy of(Duration initialDelay, Duration stepTimeout) {
    Duration max = initialDelay.multipliedBy(3);
    if (max.compareTo(Duration.ofSeconds(30)) > 0) {
      max =
          initialDelay.compareTo(Duration.ofSeconds(30)) > 0
              ? initialDelay
              : Duration.ofSeconds(30);
    }
    return new WaitPolicy(initialDelay, max, 1.5, stepTimeout, Sleeper.REAL, Clock.systemUTC());
  }

  public Duration initialDelay() {
    return initialDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public double multiplier() {
    return multiplier;
  }

  public Duration stepTimeout() {
    return stepTimeout;
  }

  /** The deadline of a step that starts now. */
  public Instant deadlineFromNow() {
    return clock.instant().plus(stepTimeout);
  }

  /** The result of a running operation, or a {@link Reasons#DEADLINE_EXCEEDED} failure. */
  public <T> T await(Future<T> operation, Instant deadline, String what) {
    return ApiCall.unchecked(
        () -> {
          try {
            return operation.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            operation.cancel(false);
            throw deadlineExceeded(what);
          }
        });
  }

  /**
   * Reads with {@code read} until {@code done} holds, pausing with backoff between reads; returns
   * the last value read.
   */
  public <T> T until(Supplier<T> read, Predicate<T> done, Instant deadline, String what) {
    return poll(read, done, deadline, what, false);
  }

  /** As {@link #until}, for something just read: pauses before the first read. */
  public <T> T untilAfterPause(Supplier<T> read, Predicate<T> done, Instant deadline, String what) {
    return poll(read, done, deadline, what, true);
  }

  private <T> T poll(
      Supplier<T> read, Predicate<T> done, Instant deadline, String what, boolean pauseFirst) {
    Duration delay = initialDelay;
    boolean skipRead = pauseFirst;
    while (true) {
      if (!skipRead) {
        T value = read.get();
        if (done.test(value)) {
          return value;
        }
      }
      skipRead = false;
      long remaining = remainingMillis(deadline);
      if (remaining <= 0) {
        throw deadlineExceeded(what);
      }
      Duration pause = delay.toMillis() > remaining ? Duration.ofMillis(remaining) : delay;
      ApiCall.unchecked(
          () -> {
            sleeper.sleep(pause);
            return null;
          });
      delay = next(delay);
    }
  }

  /** Pauses for {@code pause}, or until {@code deadline} when that comes first. */
  public void pause(Duration pause, Instant deadline) {
    long millis = Math.min(pause.toMillis(), remainingMillis(deadline));
    ApiCall.unchecked(
        () -> {
          sleeper.sleep(Duration.ofMillis(millis));
          return null;
        });
  }

  private Duration next(Duration delay) {
    long grown = (long) Math.ceil(delay.toMillis() * multiplier);
    return Duration.ofMillis(Math.min(Math.max(grown, 1), maxDelay.toMillis()));
  }

  private long remainingMillis(Instant deadline) {
    return Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
  }

  private StepFailure deadlineExceeded(String what) {
    return new StepFailure(
        Reasons.DEADLINE_EXCEEDED,
        "gave up waiting for "
            + what
            + " after "
            + stepTimeout
            + " (RUNWIRE_STEP_TIMEOUT); it may still finish: run again to pick it up");
  }
}
