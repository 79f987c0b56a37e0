package dev.runwire.emulator;

import java.util.List;

/** Commands the tests map images to: this JVM and test classpath, or bash. */
final class TestCommands {

  private TestCommands() {}

  static List<String> javaMain(Class<?> main) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        main.getName());
  }

  /**
   * A task that writes its env and args to $OUT/task-INDEX-ATTEMPT.env / .args and fails (exit 3)
   * while its attempt is below $FAIL_ATTEMPTS, or sleeps $SLEEP seconds first.
   */
  static List<String> probeTask() {
    String script =
        "env > \"$OUT/task-$CLOUD_RUN_TASK_INDEX-$CLOUD_RUN_TASK_ATTEMPT.env\";"
            + " echo \"$@\" > \"$OUT/task-$CLOUD_RUN_TASK_INDEX-$CLOUD_RUN_TASK_ATTEMPT.args\";"
            + " echo \"task $CLOUD_RUN_TASK_INDEX attempt $CLOUD_RUN_TASK_ATTEMPT\";"
            + " if [ -n \"$SLEEP\" ]; then sleep \"$SLEEP\"; fi;"
            + " if [ \"$CLOUD_RUN_TASK_ATTEMPT\" -lt \"${FAIL_ATTEMPTS:-0}\" ]; then exit 3; fi;"
            + " exit 0";
    return List.of("bash", "-c", script, "probe");
  }
}
