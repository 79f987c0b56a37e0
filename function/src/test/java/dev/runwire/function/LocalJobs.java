package dev.runwire.function;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobName;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.TaskTemplate;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's view of Cloud Run jobs in the local cloud, through the official Run v2 clients: create a
 * job whose image maps to a local command, read its executions.
 */
public final class LocalJobs implements AutoCloseable {

  public static final String PROJECT = "runwire-demo";
  public static final String REGION = "us-central1";

  private final JobsClient jobs;
  private final ExecutionsClient executions;

  public LocalJobs(String baseUrl) throws IOException {
    CloudEndpoints endpoints = CloudEndpoints.local(baseUrl, null);
    jobs =
        JobsClient.create(
            endpoints.configure(CloudEndpoints.Api.RUN, JobsSettings.newHttpJsonBuilder()).build());
    executions =
        ExecutionsClient.create(
            endpoints
                .configure(CloudEndpoints.Api.RUN, ExecutionsSettings.newHttpJsonBuilder())
                .build());
  }

  /** Creates job {@code id} with one container running {@code image}; returns its name. */
  public JobName createJob(String id, String image) throws Exception {
    return createJob(id, image, Duration.ofSeconds(600), 0);
  }

  /** Creates job {@code id} whose tasks time out after {@code taskTimeout}. */
  public JobName createJob(String id, String image, Duration taskTimeout, int maxRetries)
      throws Exception {
    Job job =
        Job.newBuilder()
            .setTemplate(
                ExecutionTemplate.newBuilder()
                    .setTemplate(
                        TaskTemplate.newBuilder()
                            .setMaxRetries(maxRetries)
                            .setTimeout(
                                com.google.protobuf.Duration.newBuilder()
                                    .setSeconds(taskTimeout.toSeconds()))
                            .addContainers(Container.newBuilder().setImage(image))))
            .build();
    jobs.createJobAsync(
            CreateJobRequest.newBuilder()
                .setParent("projects/" + PROJECT + "/locations/" + REGION)
                .setJobId(id)
                .setJob(job)
                .build())
        .get();
    return JobName.of(PROJECT, REGION, id);
  }

  /**
   * Runs {@code job} directly (no duplicate check) with {@code RUNWIRE_REQUEST_ID} set, as the
   * function would; returns once Cloud Run answered, not when the execution ends.
   */
  public void run(JobName job, String requestId) {
    jobs.runJobCallable()
        .call(
            RunJobRequest.newBuilder()
                .setName(job.toString())
                .setOverrides(
                    RunJobRequest.Overrides.newBuilder()
                        .addContainerOverrides(
                            RunJobRequest.Overrides.ContainerOverride.newBuilder()
                                .addEnv(
                                    EnvVar.newBuilder()
                                        .setName("RUNWIRE_REQUEST_ID")
                                        .setValue(requestId))))
                .build());
  }

  public void deleteJob(JobName job) throws Exception {
    jobs.deleteJobAsync(job).get();
  }

  public List<Execution> executions(JobName job) {
    List<Execution> all = new ArrayList<>();
    executions.listExecutions(job).iterateAll().forEach(all::add);
    return all;
  }

  public Execution execution(String name) {
    return executions.getExecution(name);
  }

  /** Waits until {@code name} has completed. */
  public Execution awaitCompletion(String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Execution execution = execution(name);
    while (!execution.hasCompletionTime() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      execution = execution(name);
    }
    return execution;
  }

  public static String env(Execution execution, String name) {
    return execution.getTemplate().getContainers(0).getEnvList().stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getValue())
        .findFirst()
        .orElse(null);
  }

  @Override
  public void close() {
    jobs.close();
    executions.close();
  }
}
