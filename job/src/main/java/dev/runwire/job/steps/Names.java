package dev.runwire.job.steps;

/**
 * Reading names back from the URLs the APIs answer with ({@code
 * https://www.googleapis.com/compute/v1/projects/p/global/networks/n} and {@code
 * projects/p/global/networks/n} both name {@code n}), and the full names events carry. The names
 * runwire sends are its locations' ({@link ApiLocation}, {@link ComputeLocation}).
 */
public final class Names {

  private Names() {}

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
