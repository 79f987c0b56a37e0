package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.testing.LocalProbe;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job run from its command line (as Cloud Run or a person runs it) against one local cloud that
 * records every call: the setup of the checks the job makes at start, before any API call
 * (RunwireJobTest, PolicyAtStartTest). {@link #job} is the job every test runs.
 */
final class JobAtStart implements AutoCloseable {

  private final LocalCloud cloud;

  private JobAtStart(LocalCloud cloud) {
    this.cloud = cloud;
  }

  static JobAtStart start() {
    return new JobAtStart(
        LocalCloud.builder()
            .profile("instant")
            .imageCommand(LocalProbe.IMAGE, LocalProbe.command())
            .start());
  }

  /**
   * The job with {@code env}; the test requests deploy {@code local/} images (commands of the local
   * cloud), so the policy allows those unless {@code env} says otherwise.
   */
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

  /** Forgets the cloud's state and its log. */
  void reset() {
    cloud.reset();
    cloud.resetLog();
  }

  /** {@code env} pointing the job at this cloud. */
  Map<String, String> env(Map<String, String> env) {
    Map<String, String> local = new HashMap<>(env);
    local.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
    return local;
  }

  /** The job with {@code env}, pointed at this cloud. */
  RunwireJob job(JobOutput output, Map<String, String> env) {
    return job(env(env), output);
  }

  void assertNoCall(String why) {
    assertEquals(List.of(), cloud.requestLog(), why);
  }

  @Override
  public void close() {
    cloud.close();
  }
}
