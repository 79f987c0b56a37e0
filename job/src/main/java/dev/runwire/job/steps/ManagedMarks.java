package dev.runwire.job.steps;

import java.util.Map;

/**
 * The marks runwire leaves on what it manages, in one place: the {@code managed-by: runwire} label
 * (Redis instance, secret, service) and, on a service, the {@code runwire.dev/last-applied}
 * annotation holding the request that wired it. {@code ServiceWiring} writes them; the drift sweep
 * finds runwire's services and their requests by them.
 */
public final class ManagedMarks {

  public static final String MANAGED_BY = "managed-by";
  public static final String RUNWIRE = "runwire";
  public static final String LAST_APPLIED = "runwire.dev/last-applied";

  private ManagedMarks() {}

  /** The label set on every resource runwire creates. */
  public static Map<String, String> label() {
    return Map.of(MANAGED_BY, RUNWIRE);
  }

  /** Whether {@code labels} carry runwire's mark. */
  public static boolean isManaged(Map<String, String> labels) {
    return RUNWIRE.equals(labels.get(MANAGED_BY));
  }
}
