package dev.runwire.job.steps;

/**
 * Relative and full resource names of the Google APIs runwire calls (Compute names live in {@link
 * ComputeLocation}), and reading names back from the URLs the APIs answer with ({@code
 * https://www.googleapis.com/compute/v1/projects/p/global/networks/n} and {@code
 * projects/p/global/networks/n} both name {@code n}).
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

  /** The last path segment of a name or URL; empty stays empty. */
  public static String last(String nameOrUrl) {
    if (nameOrUrl == null || nameOrUrl.isEmpty()) {
      return nameOrUrl;
    }
    return nameOrUrl.substring(nameOrUrl.lastIndexOf('/') + 1);
  }

  /** The full resource name used in events, e.g. {@code //compute.googleapis.com/projects/...}. */
  public static String full(String service, String relativeName) {
    return "//" + service + ".googleapis.com/" + relativeName;
  }
}
