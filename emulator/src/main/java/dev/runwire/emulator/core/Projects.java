package dev.runwire.emulator.core;

/** Project-derived values a new project has: its number, its default compute service account. */
public final class Projects {

  private Projects() {}

  /** A stable 12-digit project number for {@code projectId}. */
  public static long number(String projectId) {
    long h = 1125899906842597L;
    for (char c : projectId.toCharArray()) {
      h = 31 * h + c;
    }
    return 100_000_000_000L + Math.floorMod(h, 900_000_000_000L);
  }

  public static String defaultComputeServiceAccount(String projectId) {
    return number(projectId) + "-compute@developer.gserviceaccount.com";
  }

  /** Ten lowercase characters derived from the project, as in {@code svc-<hash>-uc.a.run.app}. */
  public static String urlHash(String projectId) {
    String digits = Long.toString(number(projectId) * 7919L, 36);
    return (digits + "abcdefghij").substring(0, 10);
  }
}
