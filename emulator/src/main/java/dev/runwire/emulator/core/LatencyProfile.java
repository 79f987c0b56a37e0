package dev.runwire.emulator.core;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How long transitions take: {@code instant} (every operation is done in the first response),
 * {@code realistic} (durations in the range of the real APIs) or {@code scaled:N} (realistic
 * divided by N), with per-key overrides such as {@code redis.create=3s}.
 */
public final class LatencyProfile {

  private final String name;
  private final double divisor;
  private final Map<String, Duration> overrides;

  private LatencyProfile(String name, double divisor, Map<String, Duration> overrides) {
    this.name = name;
    this.divisor = divisor;
    this.overrides = overrides;
  }

  /** {@code instant}, {@code realistic} or {@code scaled:N} with N > 0. */
  public static LatencyProfile parse(String spec, Map<String, Duration> overrides) {
    String s = spec == null ? "instant" : spec.trim();
    double divisor;
    if (s.equals("instant")) {
      divisor = Double.POSITIVE_INFINITY;
    } else if (s.equals("realistic")) {
      divisor = 1;
    } else if (s.startsWith("scaled:")) {
      try {
        divisor = Double.parseDouble(s.substring("scaled:".length()));
      } catch (NumberFormatException e) {
        divisor = -1;
      }
      if (!(divisor > 0)) {
        throw new IllegalArgumentException(
            "profile '" + s + "': N in scaled:N must be a positive number, e.g. scaled:60");
      }
    } else {
      throw new IllegalArgumentException(
          "unknown profile '" + s + "': use instant, realistic or scaled:N (realistic / N)");
    }
    return new LatencyProfile(s, divisor, new TreeMap<>(overrides));
  }

  /** Parses {@code 3s}, {@code 250ms}, {@code 2m}, {@code 1h} or an ISO-8601 duration. */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase();
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase());
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      switch (t.charAt(t.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "duration '" + text + "': use e.g. 250ms, 3s, 2m or an ISO-8601 duration like PT3S");
  }

  public Duration duration(LatencyKey key) {
    Duration override = overrides.get(key.name());
    if (override != null) {
      return override;
    }
    if (Double.isInfinite(divisor)) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (key.realistic().toNanos() / divisor));
  }

  /** Fails when an override names no known key, so a typo does not pass silently. */
  public void checkOverrides(Collection<LatencyKey> known) {
    Set<String> names = new TreeSet<>();
    known.forEach(k -> names.add(k.name()));
    for (String key : overrides.keySet()) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(
            "unknown duration key '" + key + "': known keys are " + String.join(", ", names));
      }
    }
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return overrides.isEmpty() ? name : name + " " + overrides;
  }
}
