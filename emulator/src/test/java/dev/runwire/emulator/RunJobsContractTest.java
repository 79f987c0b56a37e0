package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.httpjson.HttpJsonCallContext;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.ApiCallContext;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionReference;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.ListExecutionsRequest;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.protobuf.util.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RunJobsContractTest {

  private static final String PARENT = "projects/demo-project/locations/us-central1";
  private static final String PROBE = "local/probe";

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(b -> b.profile("instant").imageCommand(PROBE, TestCommands.probeTask()));

  private static LocalCloud cloud;
  private static JobsClient jobs;
  private static ExecutionsClient executions;

  @TempDir Path out;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    jobs = local.open(OfficialClients::jobs);
    executions = local.open(OfficialClients::executions);
  }

  private Job job(String image, int tasks, int maxRetries, String... env) {
    Container.Builder c = Container.newBuilder().setImage(image).addArgs("--from-job");
    c.addEnv(EnvVar.newBuilder().setName("OUT").setValue(out.toString()));
    for (int i = 0; i < env.length; i += 2) {
      c.addEnv(EnvVar.newBuilder().setName(env[i]).setValue(env[i + 1]));
    }
    return Job.newBuilder()
        .setTemplate(
            ExecutionTemplate.newBuilder()
                .setTaskCount(tasks)
                .setTemplate(TaskTemplate.newBuilder().setMaxRetries(maxRetries).addContainers(c)))
        .build();
  }

  private String env(int task, int attempt) throws Exception {
    return Files.readString(out.resolve("task-" + task + "-" + attempt + ".env"));
  }

  @Test
  void runStartsOneRealProcessPerTaskWithOverridesAndCloudRunEnv() throws Exception {
    Job created =
        jobs.createJobAsync(PARENT, job(PROBE, 1, 0, "KEEP", "job", "MODE", "job"), "probe").get();
    assertEquals(1, created.getObservedGeneration());

    RunJobRequest run =
        RunJobRequest.newBuilder()
            .setName(created.getName())
            .setOverrides(
                RunJobRequest.Overrides.newBuilder()
                    .setTaskCount(2)
                    .addContainerOverrides(
                        RunJobRequest.Overrides.ContainerOverride.newBuilder()
                            .addArgs("--from-override")
                            .addEnv(EnvVar.newBuilder().setName("MODE").setValue("override"))
                            .addEnv(EnvVar.newBuilder().setName("EXTRA").setValue("yes"))))
            .build();
    Execution done = jobs.runJobAsync(run).get();

    assertEquals(2, done.getTaskCount());
    assertEquals(2, done.getSucceededCount());
    assertEquals(0, done.getFailedCount());
    assertFalse(done.getReconciling());
    assertTrue(done.hasCompletionTime());
    Condition completed = completed(done);
    assertEquals(Condition.State.CONDITION_SUCCEEDED, completed.getState());
    for (int task = 0; task < 2; task++) {
      String env = env(task, 0);
      assertTrue(env.contains("CLOUD_RUN_JOB=probe\n"), env);
      assertTrue(env.contains("CLOUD_RUN_EXECUTION=" + shortName(done.getName()) + "\n"), env);
      assertTrue(env.contains("CLOUD_RUN_TASK_INDEX=" + task + "\n"), env);
      assertTrue(env.contains("CLOUD_RUN_TASK_COUNT=2\n"), env);
      assertTrue(env.contains("CLOUD_RUN_TASK_ATTEMPT=0\n"), env);
      assertTrue(env.contains("KEEP=job\n") && env.contains("MODE=override\n"), env);
      assertTrue(env.contains("EXTRA=yes\n"), env);
      assertTrue(env.contains("RUNWIRE_LOCAL_CLOUD=" + cloud.baseUrl() + "\n"), env);
      assertEquals(
          "--from-override", Files.readString(out.resolve("task-" + task + "-0.args")).trim());
    }
    Job after = jobs.getJob(created.getName());
    assertEquals(1, after.getExecutionCount());
    assertEquals(done.getName(), after.getLatestCreatedExecution().getName());
    assertEquals(
        ExecutionReference.CompletionStatus.EXECUTION_SUCCEEDED,
        after.getLatestCreatedExecution().getCompletionStatus());
    assertEquals(done, executions.getExecution(done.getName()));
  }

  @Test
  void failedTaskIsRetriedUpToMaxRetries() throws Exception {
    Job created =
        jobs.createJobAsync(PARENT, job(PROBE, 2, 2, "FAIL_ATTEMPTS", "2"), "retry").get();

    Execution done = jobs.runJobAsync(created.getName()).get();

    assertEquals(2, done.getSucceededCount());
    assertEquals(4, done.getRetriedCount());
    assertTrue(env(1, 2).contains("CLOUD_RUN_TASK_ATTEMPT=2\n"));
  }

  @Test
  void taskThatKeepsFailingFailsTheExecutionAndTheOperation() throws Exception {
    Job created =
        jobs.createJobAsync(PARENT, job(PROBE, 1, 1, "FAIL_ATTEMPTS", "9"), "broken").get();

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> jobs.runJobAsync(created.getName()).get());
    assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());

    Execution failed =
        executions.getExecution(
            jobs.getJob(created.getName()).getLatestCreatedExecution().getName());
    assertEquals(1, failed.getFailedCount());
    assertEquals(1, failed.getRetriedCount());
    assertEquals(Condition.State.CONDITION_FAILED, completed(failed).getState());
    assertEquals(
        Condition.ExecutionReason.NON_ZERO_EXIT_CODE, completed(failed).getExecutionReason());
    assertEquals(
        ExecutionReference.CompletionStatus.EXECUTION_FAILED,
        jobs.getJob(created.getName()).getLatestCreatedExecution().getCompletionStatus());
  }

  /**
   * Run v2 Tasks: each task of an execution is a resource named {@code <execution>-task<index>}
   * whose {@code lastAttemptResult} holds the exit code of its last attempt and a status that is OK
   * only when it succeeded (google/cloud/run/v2/task.proto); this is how a caller learns why a task
   * failed.
   */
  @Test
  void tasksShowTheLastAttemptsExitCode() throws Exception {
    Job created =
        jobs.createJobAsync(PARENT, job(PROBE, 2, 1, "FAIL_ATTEMPTS", "1"), "tasks").get();
    Execution done = jobs.runJobAsync(created.getName()).get();
    com.google.cloud.run.v2.TasksClient tasks = local.open(OfficialClients::tasks);

    List<com.google.cloud.run.v2.Task> listed = new java.util.ArrayList<>();
    tasks.listTasks(done.getName()).iterateAll().forEach(listed::add);
    assertEquals(2, listed.size());
    String execId = done.getName().substring(done.getName().lastIndexOf('/') + 1);
    com.google.cloud.run.v2.Task first =
        tasks.getTask(done.getName() + "/tasks/" + execId + "-task0");
    assertEquals(0, first.getIndex());
    assertEquals(1, first.getRetried());
    assertEquals(0, first.getLastAttemptResult().getExitCode());
    assertEquals(0, first.getLastAttemptResult().getStatus().getCode());
    assertTrue(first.hasCompletionTime());

    Job broken =
        jobs.createJobAsync(PARENT, job(PROBE, 1, 0, "FAIL_ATTEMPTS", "9"), "tasks-fail").get();
    assertThrows(ExecutionException.class, () -> jobs.runJobAsync(broken.getName()).get());
    String failedExec = jobs.getJob(broken.getName()).getLatestCreatedExecution().getName();
    com.google.cloud.run.v2.Task failed =
        tasks.listTasks(failedExec).iterateAll().iterator().next();
    assertEquals(3, failed.getLastAttemptResult().getExitCode());
    assertTrue(failed.getLastAttemptResult().getStatus().getCode() != 0);
    assertEquals(
        Condition.State.CONDITION_FAILED,
        failed.getConditionsList().stream()
            .filter(c -> c.getType().equals("Completed"))
            .findFirst()
            .orElseThrow()
            .getState());
    assertThrows(
        com.google.api.gax.rpc.NotFoundException.class,
        () -> tasks.getTask(failedExec + "/tasks/nope-task0"));
  }

  @Test
  void taskPastItsTimeoutIsKilledAndFails() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0, "SLEEP", "30"), "slow").get();

    RunJobRequest run =
        RunJobRequest.newBuilder()
            .setName(created.getName())
            .setOverrides(
                RunJobRequest.Overrides.newBuilder().setTimeout(Durations.fromMillis(500)))
            .build();
    long started = System.nanoTime();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> jobs.runJobAsync(run).get());

    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertTrue(System.nanoTime() - started < 10_000_000_000L, "the task was not killed in time");
  }

  @Test
  void taskKilledMidRunIsRetriedAsTheTemplateAllows() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 2, "SLEEP", "5"), "killed").get();
    cloud.faults().killTasks(1.0, java.time.Duration.ofMillis(300));
    long killedBefore = cloud.faults().killedTasks();
    try {
      long started = System.nanoTime();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> jobs.runJobAsync(created.getName()).get());

      assertTrue(e.getMessage().contains("was killed mid-run"), e.getMessage());
      assertTrue(System.nanoTime() - started < 5_000_000_000L, "the attempts ran to their end");
      Execution failed =
          executions.getExecution(
              jobs.getJob(created.getName()).getLatestCreatedExecution().getName());
      // Every attempt (0, 1, 2) was killed: two retries, then the task failed.
      assertEquals(2, failed.getRetriedCount());
      assertEquals(1, failed.getFailedCount());
      assertEquals(3, cloud.faults().killedTasks() - killedBefore);
    } finally {
      cloud.faults().clear();
    }
  }

  @Test
  void killFaultLeavesAQuickTaskThatEndsFirstAlone() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "outran").get();
    cloud.faults().killTasks(1.0, java.time.Duration.ofSeconds(60));
    try {
      Execution done = jobs.runJobAsync(created.getName()).get();

      assertEquals(1, done.getSucceededCount());
      assertEquals(0, done.getRetriedCount());
    } finally {
      cloud.faults().clear();
    }
  }

  @Test
  void unmappedImageFailsTheExecutionWithAClearMessage() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job("gcr.io/x/unknown:1", 1, 0), "unmapped").get();

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> jobs.runJobAsync(created.getName()).get());

    assertTrue(e.getMessage().contains("is not mapped to a local command"), e.getMessage());
  }

  @Test
  void executionsAreListedNewestFirst() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "twice").get();
    Execution first = jobs.runJobAsync(created.getName()).get();
    Execution second = jobs.runJobAsync(created.getName()).get();

    List<String> names =
        StreamSupport.stream(
                executions.listExecutions(created.getName()).iterateAll().spliterator(), false)
            .map(Execution::getName)
            .toList();

    assertEquals(List.of(second.getName(), first.getName()), names);
  }

  /** System parameter X-Goog-FieldMask (cloud.google.com/apis/docs/system-parameters). */
  @Test
  void aFieldMaskHeaderAnswersOnlyTheSelectedFields() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0, "MARK", "m1"), "masked").get();
    Execution run = jobs.runJobAsync(created.getName()).get();
    ApiCallContext masked =
        HttpJsonCallContext.createDefault()
            .withExtraHeaders(
                Map.of(
                    "X-Goog-FieldMask",
                    List.of("executions(name,createTime,template.containers.env),nextPageToken")));

    List<Execution> listed =
        StreamSupport.stream(
                executions
                    .listExecutionsPagedCallable()
                    .call(
                        ListExecutionsRequest.newBuilder().setParent(created.getName()).build(),
                        masked)
                    .iterateAll()
                    .spliterator(),
                false)
            .toList();

    assertEquals(1, listed.size());
    Execution only = listed.get(0);
    assertEquals(run.getName(), only.getName());
    assertTrue(only.hasCreateTime());
    assertTrue(
        only.getTemplate().getContainers(0).getEnvList().stream()
            .anyMatch(e -> e.getName().equals("MARK") && e.getValue().equals("m1")));
    assertEquals("", only.getTemplate().getContainers(0).getImage());
    assertEquals(0, only.getConditionsCount());
    assertEquals("", only.getJob());
    assertFalse(only.hasTemplate() && only.getTemplate().hasTimeout());
  }

  @Test
  void aMalformedFieldMaskIsRefusedWith400() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "badmask").get();
    ApiCallContext malformed =
        HttpJsonCallContext.createDefault()
            .withExtraHeaders(Map.of("X-Goog-FieldMask", List.of("executions(name")));

    assertThrows(
        InvalidArgumentException.class,
        () ->
            executions
                .listExecutionsCallable()
                .call(
                    ListExecutionsRequest.newBuilder().setParent(created.getName()).build(),
                    malformed));
  }

  @Test
  void updateReplacesTheSpecAndBumpsGeneration() throws Exception {
    Job created = jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "changing").get();

    Job updated =
        jobs.updateJobAsync(job(PROBE, 3, 0).toBuilder().setName(created.getName()).build()).get();
    Job same =
        jobs.updateJobAsync(job(PROBE, 3, 0).toBuilder().setName(created.getName()).build()).get();

    assertEquals(2, updated.getGeneration());
    assertEquals(3, updated.getTemplate().getTaskCount());
    assertEquals(2, same.getGeneration());
    assertTrue(cloud.requestLog().stream().anyMatch(r -> r.method().equals("PATCH")));
  }

  @Test
  void duplicateAndMissingJobsAnswer409And404() throws Exception {
    jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "dup").get();
    ExecutionException dup =
        assertThrows(
            ExecutionException.class,
            () -> jobs.createJobAsync(PARENT, job(PROBE, 1, 0), "dup").get());
    assertTrue(dup.getCause() instanceof AbortedException);
    assertTrue(ErrorBodies.of(dup).contains("ALREADY_EXISTS"));
    assertThrows(NotFoundException.class, () -> jobs.getJob(PARENT + "/jobs/none"));
  }

  private static Condition completed(Execution e) {
    return e.getConditionsList().stream()
        .filter(c -> c.getType().equals("Completed"))
        .findFirst()
        .orElseThrow();
  }

  private static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
