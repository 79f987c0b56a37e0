package dev.runwire.bench;

import java.time.Duration;
import java.util.Random;

/**
 * How many polls a backoff schedule needs to see an operation of a given length finish: the
 * expected count under the job's settings (first delay, ×multiplier, capped), with gax's jitter
 * (each delay uniform in [0, nominal), as {@code RetrySettings} has it by default) or without. A
 * fixed interval needs {@code length / interval} polls instead; backoff needs about {@code log} of
 * that plus {@code length / cap}.
 */
record PollSchedule(Duration initial, Duration max, double multiplier, boolean jittered) {

  private static final int TRIALS = 2_000;

  /** The expected number of polls until one lands at or after {@code length}. */
  double expectedPolls(Duration length) {
    if (!jittered) {
      return polls(length, null);
    }
    Random random = new Random(42);
    long sum = 0;
    for (int i = 0; i < TRIALS; i++) {
      sum += polls(length, random);
    }
    return (double) sum / TRIALS;
  }

  private int polls(Duration length, Random random) {
    long target = length.toNanos();
    double nominal = initial.toNanos();
    long elapsed = 0;
    int polls = 0;
    while (elapsed < target) {
      long delay =
          random == null ? (long) nominal : (long) (random.nextDouble() * Math.max(1, nominal));
      elapsed += delay;
      polls++;
      nominal = Math.min(nominal * multiplier, max.toNanos());
    }
    return polls;
  }
}
