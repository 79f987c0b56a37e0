package dev.runwire.bench;

import java.time.Duration;
import java.util.Random;

/**
 * A model of how a backoff schedule polls an operation of a given length: the expected number of
 * polls until one sees it done, and how late that poll comes. The job's schedule starts at its
 * first delay, grows ×multiplier up to a cap, and gax jitters each delay (uniform in [0, nominal),
 * {@code RetrySettings}' default). A fixed interval needs {@code length / interval} polls instead.
 */
record PollSchedule(Duration initial, Duration max, double multiplier, boolean jittered) {

  private static final int TRIALS = 5_000;

  /** Expected polls and lateness (the seeing poll's time minus the operation's end). */
  record Expectation(double polls, Duration lateness) {}

  Expectation expect(Duration length) {
    Random random = jittered ? new Random(42) : null;
    int trials = jittered ? TRIALS : 1;
    double polls = 0;
    double late = 0;
    for (int i = 0; i < trials; i++) {
      long target = length.toNanos();
      double nominal = initial.toNanos();
      long elapsed = 0;
      int n = 0;
      while (elapsed < target) {
        elapsed += random == null ? (long) nominal : (long) (random.nextDouble() * nominal);
        n++;
        nominal = Math.max(1, Math.min(nominal * multiplier, max.toNanos()));
      }
      polls += n;
      late += elapsed - target;
    }
    return new Expectation(polls / trials, Duration.ofNanos((long) (late / trials)));
  }

  /** The expected number of polls until one lands at or after {@code length}. */
  double expectedPolls(Duration length) {
    return expect(length).polls();
  }
}
