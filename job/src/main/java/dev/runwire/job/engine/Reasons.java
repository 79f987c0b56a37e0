package dev.runwire.job.engine;

/**
 * Named reasons a step fails with (the {@code error.code} of a step event), so subscribers can act
 * on them without parsing messages. API errors carry the API's status instead ({@code NOT_FOUND},
 * {@code PERMISSION_DENIED}...).
 */
public final class Reasons {

  public static final String DEPENDENCY_FAILED = "DependencyFailed";
  public static final String NEEDS_REPLACEMENT = "NeedsReplacement";
  public static final String NETWORK_NOT_FOUND = "NetworkNotFound";
  public static final String SERVICE_NOT_FOUND = "ServiceNotFound";
  public static final String NAT_CLASH = "NatClash";
  public static final String PRIVATE_SERVICES_ACCESS_MISSING = "PrivateServicesAccessMissing";
  public static final String EGRESS_BLOCKED = "EgressBlocked";
  public static final String NOT_READY = "ResourceNotReady";
  public static final String DEADLINE_EXCEEDED = "StepDeadlineExceeded";
  public static final String CANNOT_CREATE = "CannotCreate";
  public static final String CANNOT_UPDATE = "CannotUpdate";
  public static final String VERIFY_FAILED = "VerifyFailed";

  /** The resource differs from the request, and runwire did not create (or adopt) it. */
  public static final String NOT_OWNED = "NotOwned";

  /** The service already has an env var of that name that runwire did not set. */
  public static final String ENV_CONFLICT = "EnvConflict";

  /**
   * The metadata server did not answer after the retries Google's libraries make: transient, the
   * task exits 1 and Cloud Run runs it again.
   */
  public static final String METADATA_UNAVAILABLE = "MetadataServerUnavailable";

  public static final String INTERNAL = "Internal";

  private Reasons() {}
}
