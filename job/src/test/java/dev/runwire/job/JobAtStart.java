package dev.runwire.job;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The job run from its command line (as Cloud Run or a person runs it) in this JVM, its output
 * captured. The test requests deploy {@code local/} images (commands of the local cloud), so the
 * policy allows those unless the environment says otherwise. {@link LocalCloudExtension#job} points
 * it at a local cloud.
 */
final class JobAtStart {

  private JobAtStart() {}

  static RunwireJob job(Map<String, String> env, JobOutput output) {
    Map<String, String> withPolicy = new HashMap<>(env);
    withPolicy.putIfAbsent("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/");
    return new RunwireJob(
        withPolicy,
        new ByteArrayInputStream(new byte[0]),
        output.outStream,
        output.errStream,
        false);
  }
}
