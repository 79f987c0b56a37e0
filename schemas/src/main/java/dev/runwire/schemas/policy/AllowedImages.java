package dev.runwire.schemas.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which container images a request may deploy: those under one of the configured prefixes, or, with
 * none configured, those in the target project's own registries (Artifact Registry {@code
 * LOCATION-docker.pkg.dev/PROJECT/} in any location, Container Registry {@code gcr.io/PROJECT/},
 * {@code us.gcr.io/PROJECT/}, {@code eu.gcr.io/PROJECT/}, {@code asia.gcr.io/PROJECT/}).
 *
 * <p>A prefix ends at a {@code /}, so {@code gcr.io/acme/} never matches {@code
 * gcr.io/acme-evil/x}; what follows the prefix must be a plain repository path (the Docker
 * reference grammar: lower-case components joined by {@code /}, an optional {@code :tag}, an
 * optional {@code @sha256:} digest), so {@code ..}, {@code //} or a second host cannot walk out of
 * it.
 */
public record AllowedImages(List<String> prefixes) {

  /** The Container Registry hosts (https://cloud.google.com/container-registry/docs/overview). */
  static final List<String> GCR_HOSTS = List.of("gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io");

  /**
   * Artifact Registry's Docker hosts: a region (us-central1-docker.pkg.dev) or a multi-region (us-,
   * europe-, asia-docker.pkg.dev),
   * https://cloud.google.com/artifact-registry/docs/repositories/repo-locations
   */
  private static final String AR_HOST =
      "(?:[a-z]+(?:-[a-z]+)+[0-9]{1,2}|us|europe|asia)-docker\\.pkg\\.dev";

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

  /** Repository path below a prefix, then an optional tag and digest (Docker reference grammar). */
  private static final Pattern PATH =
      Pattern.compile(
          COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
              + "(?:@sha256:[a-f0-9]{64})?");

  /** A configured prefix: a registry host (with an optional port), path components, a final /. */
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?/(?:" + COMPONENT + "/)*");

  public AllowedImages {
    prefixes = List.copyOf(prefixes);
    for (String prefix : prefixes) {
      String problem = problemWith(prefix);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  /** Why {@code prefix} cannot be used, with the fix; {@code null} when it is fine. */
  static String problemWith(String prefix) {
    if (prefix.equals("*")) {
      return "'*' is not supported: list the registry prefixes to allow, e.g."
          + " europe-docker.pkg.dev/shared-images/";
    }
    if (!prefix.endsWith("/")) {
      return "'"
          + prefix
          + "' must end with '/' (a prefix ends at a path boundary: "
          + prefix
          + " would also allow "
          + prefix
          + "-evil/...); write "
          + prefix
          + "/";
    }
    if (prefix.contains("..") || prefix.contains("//") || !PREFIX.matcher(prefix).matches()) {
      return "'"
          + prefix
          + "' is not a registry prefix: write HOST/ or HOST/PATH/ in lower case, e.g."
          + " europe-docker.pkg.dev/shared-images/ or gcr.io/acme/";
    }
    return null;
  }

  /** Whether {@code image} may be deployed to a service in {@code project}. */
  public boolean allows(String image, String project) {
    if (image.contains("..")) {
      return false;
    }
    if (!prefixes.isEmpty()) {
      for (String prefix : prefixes) {
        if (image.startsWith(prefix) && PATH.matcher(image.substring(prefix.length())).matches()) {
          return true;
        }
      }
      return false;
    }
    String own = "/" + Pattern.quote(project) + "/" + PATH.pattern();
    return Pattern.matches(AR_HOST + own, image)
        || GCR_HOSTS.stream().anyMatch(h -> Pattern.matches(Pattern.quote(h) + own, image));
  }

  /** The allowed prefixes, as a message names them, for {@code project}. */
  public String describe(String project) {
    if (!prefixes.isEmpty()) {
      return String.join(", ", prefixes);
    }
    return "the target project's own registries: LOCATION-docker.pkg.dev/"
        + project
        + "/, "
        + String.join(", ", GCR_HOSTS.stream().map(h -> h + "/" + project + "/").toList());
  }
}
