package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.gson.JsonObject;
import com.google.protobuf.util.Durations;
import dev.runwire.job.steps.ProbeImage;
import dev.runwire.job.testing.TestRequests;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without {@code RUNWIRE_PROBE_IMAGE}, a task of runwire's Cloud Run job runs the probe with its
 * own job's image: it asks the metadata server for its project and region and reads its job.
 */
class OwnJobProbeImageTest {

  /** An image name nothing else uses, so the probe job can only have it from the job it ran in. */
  private static final String OWN_IMAGE = "local/runwire-job-under-test";

  @RegisterExtension
  static final LocalCloudExtension local =
      LocalCloudExtension.instant().image(OWN_IMAGE).customNetwork(TestRequests.NETWORK);

  @Test
  void theProbeNamedByTheEnvironmentWinsThenTheOwnJobThenTheLocalDefault() {
    String localCloud = local.cloud().baseUrl();
    assertEquals(
        new ProbeImage.Named("us-docker.pkg.dev/p/r/runwire-job:1"),
        JobConfig.fromEnv(
                Map.of(
                    "RUNWIRE_PROBE_IMAGE", "us-docker.pkg.dev/p/r/runwire-job:1",
                    "CLOUD_RUN_JOB", "runwire-job"))
            .probeImage());
    assertInstanceOf(
        ProbeImage.OwnJob.class,
        JobConfig.fromEnv(Map.of("CLOUD_RUN_JOB", "runwire-job", "RUNWIRE_LOCAL_CLOUD", localCloud))
            .probeImage());
    assertEquals(
        new ProbeImage.Named(JobConfig.LOCAL_PROBE_IMAGE),
        JobConfig.fromEnv(Map.of("RUNWIRE_LOCAL_CLOUD", localCloud)).probeImage());
    assertInstanceOf(ProbeImage.Missing.class, JobConfig.fromEnv(Map.of()).probeImage());
  }

  @Test
  void aTaskOfRunwiresJobProbesWithItsOwnJobsImage() throws Exception {
    JsonObject request = TestRequests.directVpcJson(false);
    Container.Builder container = Container.newBuilder().setImage(OWN_IMAGE);
    Map.of(
            "RUNWIRE_REQUEST", request.toString(),
            "RUNWIRE_POLL_INITIAL_DELAY", "PT0.02S",
            "RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/")
        .forEach((k, v) -> container.addEnv(EnvVar.newBuilder().setName(k).setValue(v)));
    String parent = "projects/runwire-home/locations/us-central1";
    Job job =
        local
            .clients()
            .jobs()
            .createJobAsync(
                CreateJobRequest.newBuilder()
                    .setParent(parent)
                    .setJobId("runwire-job")
                    .setJob(
                        Job.newBuilder()
                            .setTemplate(
                                ExecutionTemplate.newBuilder()
                                    .setTemplate(
                                        TaskTemplate.newBuilder()
                                            .addContainers(container)
                                            .setMaxRetries(0)
                                            .setTimeout(Durations.fromSeconds(300)))))
                    .build())
            .get();

    Execution done = local.clients().jobs().runJobAsync(job.getName()).get();

    // The task exits 0 only when verify passed, i.e. the probe job ran with that image.
    assertEquals(1, done.getSucceededCount(), "the job's task failed: " + done);
    Job probe =
        local
            .clients()
            .jobs()
            .getJob(
                "projects/demo-project/locations/europe-west1/jobs/runwire-probe-visitor-counter");
    assertEquals(OWN_IMAGE, probe.getTemplate().getTemplate().getContainers(0).getImage());
  }
}
