package dev.runwire.emulator.compute;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a Compute resource: {@code projects/p/global/networks/n} or {@code
 * projects/p/regions/r/subnetworks/s} (region {@code null} for global resources). Parses every form
 * clients send: full URLs on any host ({@code https://www.googleapis.com/compute/v1/...}), relative
 * names with or without {@code projects/p/}, and short names.
 */
record ResourceRef(String project, String region, String collection, String name) {

  /** How self links begin; references to our own resources are written this way. */
  static final String LINK_BASE = "https://www.googleapis.com/compute/v1/";

  private static final Set<String> GLOBAL = Set.of("networks", "firewalls");

  private static final Pattern FULL =
      Pattern.compile(
          "^(?:https?://[^/]+/compute/(?:v1|beta|alpha)/)?"
              + "(?:projects/([^/]+)/)?(?:global|regions/([^/]+))/([a-zA-Z]+)/([^/]+)$");

  static ResourceRef global(String project, String collection, String name) {
    return new ResourceRef(project, null, collection, name);
  }

  static ResourceRef regional(String project, String region, String collection, String name) {
    return new ResourceRef(project, region, collection, name);
  }

  /**
   * Parses {@code value} as a reference into {@code collection}; a missing project, or the region
   * of a short name in a regional collection, is taken from the defaults. Empty when the value is
   * not such a reference.
   */
  static Optional<ResourceRef> parse(
      String value, String collection, String defaultProject, String defaultRegion) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    boolean global = GLOBAL.contains(collection);
    if (ComputeNames.isValid(v)) {
      if (!global && defaultRegion == null) {
        return Optional.empty();
      }
      return Optional.of(
          new ResourceRef(defaultProject, global ? null : defaultRegion, collection, v));
    }
    Matcher m = FULL.matcher(v);
    if (!m.matches() || !m.group(3).equals(collection) || global != (m.group(2) == null)) {
      return Optional.empty();
    }
    String project = m.group(1) == null ? defaultProject : m.group(1);
    return Optional.of(new ResourceRef(project, m.group(2), collection, m.group(4)));
  }

  /** {@code projects/p/global/networks/n}: the key, the operation target and what errors name. */
  String relative() {
    return "projects/" + project + "/" + scopePath() + "/" + collection + "/" + name;
  }

  String link() {
    return LINK_BASE + relative();
  }

  /** {@code global} or {@code regions/r}. */
  String scopePath() {
    return region == null ? "global" : "regions/" + region;
  }

  static String regionLink(String project, String region) {
    return LINK_BASE + "projects/" + project + "/regions/" + region;
  }

  /** {@code projects/p/...} of one of our own self links. */
  static String relativeOf(String selfLink) {
    return selfLink.substring(LINK_BASE.length());
  }

  /** The short name at the end of a link or relative name. */
  static String shortName(String linkOrName) {
    return linkOrName.substring(linkOrName.lastIndexOf('/') + 1);
  }
}
