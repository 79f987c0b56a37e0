package dev.runwire.job.engine;

import java.time.Instant;

/** Told when each step starts and ends (the events come from here). Must be thread-safe. */
public interface StepListener {

  StepListener NONE = new StepListener() {};

  default void started(Step step, Instant at) {}

  default void ended(Step step, StepOutcome outcome, Instant startedAt, Instant endedAt) {}
}
