package dev.runwire.job.steps;

import dev.runwire.job.engine.StepKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The marks runwire leaves on what it owns and manages, defined and read in this one place:
 *
 * <ul>
 *   <li>the label {@code managed-by: runwire} where the API has labels (Redis instance, secret,
 *       Cloud Run service, Compute address);
 *   <li>the description prefix {@code "runwire: "} where it has none (subnet, router, firewall
 *       rule, and the address too): descriptions are set at creation only, so they say "created by
 *       runwire";
 *   <li>on the wired service: {@code runwire.dev/last-applied} (the request that wired it), {@code
 *       runwire.dev/owned: "true"} (runwire created or adopted the service itself, so it may change
 *       its image, ingress and invokers), and {@code runwire.dev/owns} (the resources runwire owns
 *       that cannot carry a mark of their own: a connector and a NAT have neither labels nor a
 *       description, and an adopted subnet or router keeps the description it was created with),
 *       and {@code runwire.dev/pending-prune} (what pruning could not delete yet: a subnet Cloud
 *       Run still holds; see {@link PendingPrunes}).
 * </ul>
 *
 * Whatever carries none of these is used, never changed or deleted.
 */
public final class ManagedMarks {

  public static final String MANAGED_BY = "managed-by";
  public static final String RUNWIRE = "runwire";
  public static final String LAST_APPLIED = "runwire.dev/last-applied";
  public static final String OWNED = "runwire.dev/owned";
  public static final String OWNS = "runwire.dev/owns";
  public static final String PENDING_PRUNE = "runwire.dev/pending-prune";

  /** The start of the description of every Compute resource runwire creates. */
  public static final String DESCRIPTION_PREFIX = "runwire: ";

  private ManagedMarks() {}

  /** The label set on every resource runwire creates. */
  public static Map<String, String> label() {
    return Map.of(MANAGED_BY, RUNWIRE);
  }

  /** Whether {@code labels} carry runwire's mark. */
  public static boolean isManaged(Map<String, String> labels) {
    return RUNWIRE.equals(labels.get(MANAGED_BY));
  }

  /** A description for a Compute resource runwire creates. */
  public static String description(String what) {
    return DESCRIPTION_PREFIX + what;
  }

  /** Whether a Compute resource's description says runwire created it. */
  public static boolean describedAsRunwire(String description) {
    return description != null && description.startsWith(DESCRIPTION_PREFIX);
  }

  /** Whether the service's annotations say runwire created or adopted the service itself. */
  public static boolean ownsService(Map<String, String> annotations) {
    return "true".equals(annotations.get(OWNED));
  }

  /** Whether the service's {@code runwire.dev/owns} names {@code name} of {@code kind}. */
  public static boolean records(Map<String, String> annotations, StepKind kind, String name) {
    return name.equals(recorded(annotations.getOrDefault(OWNS, "")).get(kind.wire()));
  }

  /** The {@code runwire.dev/owns} value for these resources, e.g. {@code vpc-connector=c}. */
  public static String owns(Map<StepKind, String> owned) {
    StringJoiner value = new StringJoiner(",");
    owned.forEach((kind, name) -> value.add(kind.wire() + "=" + name));
    return value.toString();
  }

  private static Map<String, String> recorded(String value) {
    Map<String, String> byKind = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        byKind.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
      }
    }
    return byKind;
  }
}
