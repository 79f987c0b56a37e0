package dev.runwire.emulator.core;

/**
 * A resource name of the APIs that name resources under a location ({@code
 * projects/p/locations/l/services/s}, {@code .../jobs/j/executions/e}): its project, its location
 * and the id of the resource itself, read once instead of by position wherever they are needed.
 */
public record LocationName(String project, String location, String id) {

  /** Reads {@code projects/{project}/locations/{location}/...}; the id is the last segment. */
  public static LocationName parse(String name) {
    String[] parts = name.split("/");
    if (parts.length < 4 || !parts[0].equals("projects") || !parts[2].equals("locations")) {
      throw new IllegalArgumentException("not a projects/*/locations/* name: " + name);
    }
    return new LocationName(parts[1], parts[3], parts[parts.length - 1]);
  }
}
