package dev.runwire.job.testing;

import dev.runwire.job.RunwireJob;
import java.util.List;

/**
 * The job's main on this test classpath: what the local cloud runs for {@code local/runwire-job}
 * (the probe job's image), as the demo maps that image to the job jar.
 */
public final class LocalProbe {

  public static final String IMAGE = "local/runwire-job";

  private LocalProbe() {}

  public static List<String> command() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xshare:auto",
        "-cp",
        System.getProperty("java.class.path"),
        RunwireJob.class.getName());
  }
}
