package dev.runwire.bench;

import dev.runwire.emulator.LocalCloud;
import java.util.List;

/**
 * verify runs the probe job (image {@code local/runwire-job}): locally that is the job jar with the
 * probe command, started the way the job is.
 */
final class ProbeImage {

  static final String IMAGE = "local/runwire-job";

  private ProbeImage() {}

  /** The probe job's run call for {@code service}, as a path tail after {@code /jobs/}. */
  static String probeRun(String service) {
    return "runwire-probe-" + service + ":run";
  }

  static LocalCloud.Builder mapped(LocalCloud.Builder builder) {
    return builder.imageCommand(
        IMAGE,
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            RepoLayout.find().jobJar().toString()));
  }
}
