package dev.runwire.job.steps;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Resource names and references in the forms the APIs want, and reading names back from the URLs
 * Compute answers with ({@code https://www.googleapis.com/compute/v1/projects/p/global/networks/n}
 * and {@code projects/p/global/networks/n} both name {@code n}).
 */
public final class Names {

  private Names() {}

  public static String redisInstance(String project, String region, String id) {
    return "projects/" + project + "/locations/" + region + "/instances/" + id;
  }

  public static String connector(String project, String region, String id) {
    return "projects/" + project + "/locations/" + region + "/connectors/" + id;
  }

  public static String service(String project, String region, String id) {
    return "projects/" + project + "/locations/" + region + "/services/" + id;
  }

  public static String secret(String project, String id) {
    return "projects/" + project + "/secrets/" + id;
  }

  public static String location(String project, String region) {
    return "projects/" + project + "/locations/" + region;
  }

  public static String network(String project, String network) {
    return "projects/" + project + "/global/networks/" + network;
  }

  public static String subnetwork(String project, String region, String subnet) {
    return "projects/" + project + "/regions/" + region + "/subnetworks/" + subnet;
  }

  public static String address(String project, String region, String address) {
    return "projects/" + project + "/regions/" + region + "/addresses/" + address;
  }

  /** The last path segment of a name or URL; empty stays empty. */
  public static String last(String nameOrUrl) {
    if (nameOrUrl == null || nameOrUrl.isEmpty()) {
      return nameOrUrl;
    }
    return nameOrUrl.substring(nameOrUrl.lastIndexOf('/') + 1);
  }

  /**
   * A Compute {@code requestId}: the same for a retry of the same change within one execution, so
   * Compute runs it once; different across executions, so a later run is never answered with an old
   * operation.
   */
  public static String computeRequestId(String executionId, String step, String verb) {
    return UUID.nameUUIDFromBytes(
            (executionId + "/" + step + "/" + verb).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** See {@link ManagedMarks#DESCRIPTION_PREFIX}. */
  public static final String CREATED_BY = ManagedMarks.DESCRIPTION_PREFIX;

  /** The full resource name used in events, e.g. {@code //compute.googleapis.com/projects/...}. */
  public static String full(String service, String relativeName) {
    return "//" + service + ".googleapis.com/" + relativeName;
  }
}
