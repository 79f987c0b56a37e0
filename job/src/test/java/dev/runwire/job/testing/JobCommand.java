package dev.runwire.job.testing;

import dev.runwire.job.RunwireJob;
import java.util.List;

/**
 * The job's main on this test classpath: what the local cloud runs for {@code local/runwire-job}
 * (the probe job's image), as the demo maps it to the job jar.
 */
public final class JobCommand {

  private JobCommand() {}

  public static List<String> onTestClasspath() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        RunwireJob.class.getName());
  }
}
