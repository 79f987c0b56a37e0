package dev.runwire.job.steps;

import dev.runwire.schemas.ProvisioningRequest;

/**
 * Where a request's resources live for the APIs that name them by location (Memorystore, Serverless
 * VPC Access, Cloud Run, Secret Manager), built once per request, and the relative names those APIs
 * want: {@code projects/p/locations/r/services/s}; secrets belong to the project ({@code
 * projects/p/secrets/s}). Compute's names are {@link ComputeLocation}'s.
 */
public record ApiLocation(String project, String region) {

  public static ApiLocation of(ProvisioningRequest request) {
    return new ApiLocation(request.target().project(), request.target().region());
  }

  /** {@code projects/p/locations/r}: where regional resources are created and listed. */
  public String parent() {
    return projectName() + "/locations/" + region;
  }

  /** {@code projects/p}: where secrets are created and listed. */
  public String projectName() {
    return "projects/" + project;
  }

  public String service(String id) {
    return parent() + "/services/" + id;
  }

  public String job(String id) {
    return parent() + "/jobs/" + id;
  }

  public String redisInstance(String id) {
    return parent() + "/instances/" + id;
  }

  public String connector(String id) {
    return parent() + "/connectors/" + id;
  }

  public String secret(String id) {
    return projectName() + "/secrets/" + id;
  }
}
