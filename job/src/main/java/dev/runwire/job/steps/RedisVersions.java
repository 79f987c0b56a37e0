package dev.runwire.job.steps;

import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepFailure;

/**
 * Memorystore's Redis versions in release order ({@code REDIS_3_2} ... {@code REDIS_6_X}, {@code
 * REDIS_7_0}, {@code REDIS_7_2}): {@code instances:upgrade} goes to a later version in place and
 * keeps the data; there is no downgrade (UpgradeInstanceRequest, cloud_redis.proto; Memorystore
 * docs "Upgrade Redis version").
 */
final class RedisVersions {

  private RedisVersions() {}

  /** Negative when {@code a} is older than {@code b}. */
  static int compare(String a, String b) {
    return Double.compare(rank(a), rank(b));
  }

  /** REDIS_6_X reads as 6.0; anything unparsable sorts last so it is never "newer" by accident. */
  private static double rank(String version) {
    String[] parts = version.replace("REDIS_", "").split("_");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor =
          parts.length > 1 && !parts[1].equalsIgnoreCase("X") ? Integer.parseInt(parts[1]) : 0;
      return major + minor / 100.0;
    } catch (NumberFormatException e) {
      return Double.MAX_VALUE;
    }
  }

  /** Fails with NeedsReplacement when {@code wanted} is older than {@code running}. */
  static void requireUpgrade(String running, String wanted, String resource) {
    if (compare(wanted, running) < 0) {
      throw new StepFailure(
          Reasons.NEEDS_REPLACEMENT,
          resource
              + " runs "
              + running
              + "; Memorystore upgrades Redis in place to later versions only and cannot go back to "
              + wanted
              + ". Keep "
              + running
              + " (or a later version) in the request.");
    }
  }
}
