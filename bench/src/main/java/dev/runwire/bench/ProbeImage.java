package dev.runwire.bench;

import dev.runwire.emulator.LocalCloud;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * verify runs the probe job (image {@code local/runwire-job}): locally that is the job jar with the
 * probe command, started the way the job starts at its fastest (figure 4): the image's JVM flags
 * and an AppCDS archive of the probe's classes ({@link ProbeArchive}), trained once per bench run.
 */
final class ProbeImage {

  static final String IMAGE = "local/runwire-job";

  private static List<String> argv;

  private ProbeImage() {}

  /** The probe job's run call for {@code service}, as a path tail after {@code /jobs/}. */
  static String probeRun(String service) {
    return "runwire-probe-" + service + ":run";
  }

  /** The job image's JVM flags (job/pom.xml, Jib's jvmFlags). */
  static List<String> flags() {
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  }

  static LocalCloud.Builder mapped(LocalCloud.Builder builder) {
    return builder.imageCommand(IMAGE, command());
  }

  /** {@code java -XX:SharedArchiveFile=probe.jsa <flags> -jar runwire-job.jar}, made once. */
  static synchronized List<String> command() {
    if (argv == null) {
      RepoLayout repo = RepoLayout.find();
      String java = ProcessHandle.current().info().command().orElse("java");
      Path jar = repo.jobJar();
      List<String> out = new ArrayList<>();
      out.add(java);
      try {
        Path archive =
            ProbeArchive.train(
                java, flags(), jar, repo.root().resolve("bench/target/probe-cds/probe.jsa"));
        out.add("-XX:SharedArchiveFile=" + archive);
      } catch (RuntimeException e) {
        System.err.println("runwire-bench: probe runs without AppCDS: " + e.getMessage());
      }
      out.addAll(flags());
      out.add("-jar");
      out.add(jar.toString());
      argv = List.copyOf(out);
    }
    return argv;
  }

  /** Whether the probe's JVM starts with the trained archive. */
  static boolean archived() {
    return command().stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
  }
}
