package dev.runwire.bench;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.TaskTemplate;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function in the real Functions Framework invoker ({@code java -jar java-function-invoker.jar
 * --classpath runwire-function.jar ...}), aimed at a Cloud Run job in the local cloud whose image
 * runs {@code /bin/true}: what is measured is the function's delivery to {@code jobs:run}, not the
 * job.
 */
final class FunctionSetup {

  static final String JOB_IMAGE = "local/bench-noop-job";
  static final String JOB_ID = "runwire-job";
  static final String TARGET = "dev.runwire.function.ProvisioningRequestFunction";

  private FunctionSetup() {}

  static LocalCloud.Builder cloud() {
    return LocalCloud.builder().profile("instant").imageCommand(JOB_IMAGE, List.of("/bin/true"));
  }

  /**
   * The bench job's task timeout: its tasks run /bin/true, so 1 s is ample, and with no retries a
   * running execution is never older than 1 s plus {@link #EXECUTION_SLACK_SECONDS}. The window the
   * function's duplicate check scans is then a few seconds of a run that lasts a minute, as the
   * real one (task timeout x attempts + 60 s) is a few hours of a history of months.
   */
  static final int JOB_TASK_TIMEOUT_SECONDS = 1;

  static final int EXECUTION_SLACK_SECONDS = 1;

  /**
   * The function's race re-check reads back to this much before its first check (its production
   * default, {@code CloudRunJobLauncher.DEFAULT_RECHECK_MARGIN}: list lag and clock differences).
   */
  static final int RECHECK_MARGIN_SECONDS = 10;

  /** Creates the job the function runs; returns its full name. */
  static String createJob(LocalCloud cloud) {
    String parent = "projects/" + BenchRequests.PROJECT + "/locations/" + BenchRequests.REGION;
    try (JobsClient jobs =
        JobsClient.create(
            CloudEndpoints.local(cloud.baseUrl(), null)
                .configure(CloudEndpoints.Api.RUN, JobsSettings.newHttpJsonBuilder())
                .build())) {
      Job job =
          Job.newBuilder()
              .setTemplate(
                  ExecutionTemplate.newBuilder()
                      .setTemplate(
                          TaskTemplate.newBuilder()
                              .setMaxRetries(0)
                              .setTimeout(
                                  com.google.protobuf.Duration.newBuilder()
                                      .setSeconds(JOB_TASK_TIMEOUT_SECONDS))
                              .addContainers(Container.newBuilder().setImage(JOB_IMAGE))))
              .build();
      return jobs.createJobAsync(parent, job, JOB_ID).get().getName();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the job: " + e, e);
    }
  }

  static Map<String, String> env(LocalCloud cloud, String jobName) {
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_JOB", jobName);
    env.put("K_SERVICE", "runwire-function");
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // BenchRequests deploys local/ images
    env.put("RUNWIRE_EXECUTION_SLACK_SECONDS", Integer.toString(EXECUTION_SLACK_SECONDS));
    return env;
  }

  static List<String> argv(List<String> jvmFlags, Path invokerJar, Path functionJar, int port) {
    List<String> argv = new ArrayList<>();
    argv.add(ChildJvm.JAVA);
    argv.addAll(jvmFlags);
    argv.add("-jar");
    argv.add(invokerJar.toString());
    argv.add("--classpath");
    argv.add(functionJar.toString());
    argv.add("--target");
    argv.add(TARGET);
    argv.add("--port");
    argv.add(Integer.toString(port));
    return argv;
  }

  /** A valid request with its own id (the function runs one execution per running request). */
  static String request(String requestId) {
    return BenchRequests.largest(requestId).toString();
  }
}
