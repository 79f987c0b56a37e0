package dev.runwire.job.engine;

import java.time.Duration;

/** Waiting between attempts; tests pass one that does not sleep. */
@FunctionalInterface
public interface Sleeper {

  Sleeper REAL = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
