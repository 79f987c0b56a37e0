package dev.runwire.emulator.core;

import java.time.Duration;

/**
 * A kind of transition whose duration the latency profile decides, e.g. {@code redis.create}, with
 * the duration it has in the {@code realistic} profile.
 */
public record LatencyKey(String name, Duration realistic) {

  public static LatencyKey of(String name, Duration realistic) {
    return new LatencyKey(name, realistic);
  }
}
