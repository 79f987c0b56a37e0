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
import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.steps.ProbeImage;
import dev.runwire.job.testing.JobCommand;
import dev.runwire.job.testing.TestRequests;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without {@code RUNWIRE_PROBE_IMAGE}, a task of runwire's Cloud Run job runs the probe with its
 * own job's image: it asks the metadata server for its project and region and reads its job.
 */
class OwnJobProbeImageTest {

  /** An image name nothing else uses, so the probe job can only have it from the job it ran in. */
  private static final String OWN_IMAGE = "local/runwire-job-under-test";

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void start() throws Exception {
    cloud =
        LocalCloud.builder()
            .profile("instant")
            .imageCommand(OWN_IMAGE, JobCommand.onTestClasspath())
            .start();
    clients = FullApplyTest.clientsOf(cloud);
    FullApplyTest.createCustomNetwork(clients, TestRequests.NETWORK);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @Test
  void theProbeNamedByTheEnvironmentWinsThenTheOwnJobThenTheLocalDefault() {
    String local = cloud.baseUrl();
    assertEquals(
        new ProbeImage.Named("us-docker.pkg.dev/p/r/runwire-job:1"),
        JobConfig.fromEnv(
                Map.of(
                    "RUNWIRE_PROBE_IMAGE", "us-docker.pkg.dev/p/r/runwire-job:1",
                    "CLOUD_RUN_JOB", "runwire-job"))
            .probeImage());
    assertInstanceOf(
        ProbeImage.OwnJob.class,
        JobConfig.fromEnv(Map.of("CLOUD_RUN_JOB", "runwire-job", "RUNWIRE_LOCAL_CLOUD", local))
            .probeImage());
    assertEquals(
        new ProbeImage.Named(JobConfig.LOCAL_PROBE_IMAGE),
        JobConfig.fromEnv(Map.of("RUNWIRE_LOCAL_CLOUD", local)).probeImage());
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
        clients
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

    Execution done = clients.jobs().runJobAsync(job.getName()).get();

    // The task exits 0 only when verify passed, i.e. the probe job ran with that image.
    assertEquals(1, done.getSucceededCount(), "the job's task failed: " + done);
    Job probe =
        clients
            .jobs()
            .getJob(
                "projects/demo-project/locations/europe-west1/jobs/runwire-probe-visitor-counter");
    assertEquals(OWN_IMAGE, probe.getTemplate().getTemplate().getContainers(0).getImage());
  }
}
