package dev.runwire.job.steps;

import com.google.cloud.run.v2.Job;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;

/**
 * The image the probe job runs: runwire's own job image, since the probe is the same binary with
 * the {@code probe} command. {@code RUNWIRE_PROBE_IMAGE} names it; unset, a task of runwire's Cloud
 * Run job reads its own job ({@code CLOUD_RUN_JOB}, in the project and region the metadata server
 * names) and uses that job's image; a command line against the local cloud uses {@code
 * local/runwire-job}.
 */
public sealed interface ProbeImage {

  /** The metadata server's host when {@code GCE_METADATA_HOST} does not name another. */
  String METADATA_HOST = "metadata.google.internal";

  /** The image, or a failure that says how to set one. */
  String image(StepContext ctx, CloudClients clients);

  /** The probe image for this run: {@code configured} if set, else the own job's, else none. */
  static ProbeImage of(String configured, String cloudRunJob, String metadataHost) {
    if (configured != null) {
      return new Named(configured);
    }
    if (cloudRunJob != null) {
      return new OwnJob(cloudRunJob, metadataHost == null ? METADATA_HOST : metadataHost);
    }
    return new Missing();
  }

  /** An image named by the configuration. */
  record Named(String image) implements ProbeImage {
    @Override
    public String image(StepContext ctx, CloudClients clients) {
      return image;
    }
  }

  /** Nothing configured and not a Cloud Run task. */
  record Missing() implements ProbeImage {
    @Override
    public String image(StepContext ctx, CloudClients clients) {
      throw new StepFailure(
          Reasons.VERIFY_FAILED,
          "no image for the probe job: set RUNWIRE_PROBE_IMAGE to runwire's job image"
              + " (terraform-bootstrap does), or run runwire as a Cloud Run job, whose own image"
              + " the probe then uses");
    }
  }

  /** The image of the Cloud Run job this task belongs to, read once per run. */
  final class OwnJob implements ProbeImage {

    private final String job;
    private final MetadataReader metadata;
    private String image;

    OwnJob(String job, String metadataHost) {
      this(job, new MetadataReader(metadataHost));
    }

    OwnJob(String job, MetadataReader metadata) {
      this.job = job;
      this.metadata = metadata;
    }

    @Override
    public synchronized String image(StepContext ctx, CloudClients clients) {
      if (image == null) {
        String name = jobName();
        Job own = ctx.call(() -> clients.jobs().getJob(name));
        if (own.getTemplate().getTemplate().getContainersCount() == 0) {
          throw new StepFailure(
              Reasons.VERIFY_FAILED,
              "no image for the probe job: runwire's own job "
                  + name
                  + " has no container; set RUNWIRE_PROBE_IMAGE");
        }
        image = own.getTemplate().getTemplate().getContainers(0).getImage();
      }
      return image;
    }

    /** {@code projects/P/locations/R/jobs/J} from the metadata server's project and region. */
    String jobName() {
      String purpose =
          ", so runwire's own job "
              + job
              + " cannot be read for the probe job's image; set RUNWIRE_PROBE_IMAGE";
      String project = metadata.read("project/project-id", purpose);
      // projects/NUMBER/regions/REGION
      String region = metadata.read("instance/region", purpose);
      return "projects/"
          + project
          + "/locations/"
          + region.substring(region.lastIndexOf('/') + 1)
          + "/jobs/"
          + job;
    }
  }
}
