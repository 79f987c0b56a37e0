package dev.runwire.schemas.policy;

/**
 * Named reasons the deployment policy refuses a request with (the {@code reason} of a problem in a
 * {@code rejected} event, the same in the function and in the job), so subscribers can act on them
 * without parsing messages.
 */
public final class PolicyReasons {

  public static final String PROJECT_NOT_ALLOWED = "ProjectNotAllowed";
  public static final String REGION_NOT_ALLOWED = "RegionNotAllowed";
  public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";
  public static final String PUBLIC_SERVICE_NOT_ALLOWED = "PublicServiceNotAllowed";
  public static final String ADOPTION_NOT_ALLOWED = "AdoptionNotAllowed";
  public static final String DATA_LOSS_NOT_ALLOWED = "DataLossNotAllowed";

  private PolicyReasons() {}
}
