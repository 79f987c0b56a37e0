package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionReference;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.ListExecutionsResponse;
import com.google.cloud.run.v2.ListJobsResponse;
import com.google.cloud.run.v2.ListTasksResponse;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.LocationName;
import dev.runwire.emulator.core.LongRunningCollection;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Projects;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.RunningOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cloud Run jobs and executions: jobs create / get / list / update / delete / run, executions get /
 * list / cancel. {@code :run} applies the overrides (args replace, env merges, taskCount, timeout),
 * creates an Execution and hands it to the {@link JobRunner}; the operation is done when the
 * execution is.
 */
final class RunJobs {

  static final LatencyKey CREATE = LatencyKey.of("run.job.create", Duration.ofSeconds(5));
  static final LatencyKey UPDATE = LatencyKey.of("run.job.update", Duration.ofSeconds(5));
  static final LatencyKey DELETE = LatencyKey.of("run.job.delete", Duration.ofSeconds(5));
  static final LatencyKey START = LatencyKey.of("run.execution.start", Duration.ofSeconds(10));

  private static final LongRunningCollection.Shape JOBS =
      new LongRunningCollection.Shape(
          "v2",
          "jobs",
          "jobId",
          Pattern.compile("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"),
          "at most 63 lowercase letters, digits and hyphens, start with a letter and not end with"
              + " a hyphen",
          1000,
          true);
  private static final List<String> SPEC =
      List.of(
          "labels",
          "annotations",
          "client",
          "client_version",
          "launch_stage",
          "binary_authorization",
          "template");
  private static final String CREATOR = "local-user@runwire.dev";

  private final CloudCore core;
  private final RevisionChecks checks;
  private final RunIam iam;
  private final JobRunner runner;
  private final LongRunningCollection<Job.Builder, Job> jobs;
  private final Map<String, JobRunner.Run> executions = new LinkedHashMap<>();

  RunJobs(CloudCore core, RevisionChecks checks, RunIam iam) {
    this.core = core;
    this.checks = checks;
    this.iam = iam;
    this.runner = new JobRunner(core, checks, this::executionChanged);
    this.jobs =
        new LongRunningCollection<>(
            core,
            "run",
            JOBS,
            Job.Builder::build,
            (page, next) -> ListJobsResponse.newBuilder().addAllJobs(page).setNextPageToken(next));
  }

  void registerRoutes(Routes routes) {
    jobs.registerRoutes(routes, this::create, this::delete);
    String job = jobs.resourcePath();
    String execution = job + "/executions/{execution}";
    routes
        .patch(job, this::update)
        .post(job + ":run", this::run)
        .get(job + "/executions", this::listExecutions)
        .get(execution, this::getExecution)
        .post(execution + ":cancel", this::cancelExecution)
        .get(execution + "/tasks", this::listTasks)
        .get(execution + "/tasks/{task}", this::getTask)
        .get(job + ":getIamPolicy", r -> iam.get(jobs.existingName(r), r))
        .post(job + ":setIamPolicy", r -> iam.set(jobs.existingName(r), r));
  }

  private Reply create(ApiRequest request) {
    String name = jobs.newName(request);
    Job in = request.body(Job.newBuilder(), "job").build();
    return createJob(name, in);
  }

  private Reply createJob(String name, Job in) {
    LocationName jobName = LocationName.parse(name);
    String project = jobName.project();
    String location = jobName.location();
    Job.Builder job = Job.newBuilder();
    Specs.copy(in, job, SPEC);
    checkAndComplete(job, project, location);
    job.setName(name)
        .setUid(core.ids().uuid())
        .setGeneration(1)
        .setCreateTime(core.now())
        .setUpdateTime(core.now())
        .setCreator(CREATOR)
        .setLastModifier(CREATOR);
    markReconciling(job);
    job.setEtag(Specs.etag(job.build()));
    jobs.put(name, job);
    return change(name, job, core.duration(CREATE));
  }

  /** Starts the operation of a create or update; the job is ready once {@code duration} passed. */
  private Reply change(String name, Job.Builder job, Duration duration) {
    RunningOperation op = jobs.startOperation(name, (created, ended) -> job.build());
    long generation = job.getGeneration();
    core.transitions().after(duration, () -> finishChange(name, job, op, generation));
    return op.reply();
  }

  private void finishChange(String name, Job.Builder job, RunningOperation op, long generation) {
    core.locked(
        () -> {
          if (!jobs.isCurrent(name, job) || job.getGeneration() != generation) {
            return;
          }
          job.setReconciling(false)
              .setObservedGeneration(generation)
              .setTerminalCondition(
                  Specs.condition("Ready", Condition.State.CONDITION_SUCCEEDED, null, core.now()));
          var fault = core.faults().operationFailure(name);
          if (fault.isPresent()) {
            job.setTerminalCondition(
                Specs.condition(
                    "Ready", Condition.State.CONDITION_FAILED, fault.get(), core.now()));
            op.fail(ApiException.internal(fault.get()));
            return;
          }
          job.setEtag(Specs.etag(job.build()));
          op.succeed(job.build());
        });
  }

  /** UpdateJob replaces the whole spec (the v2 API has no update mask for jobs). */
  private Reply update(ApiRequest request) {
    String name = jobs.nameOf(request);
    Job in = request.body(Job.newBuilder(), "job").build();
    if (!in.getName().isEmpty() && !in.getName().equals(name)) {
      throw ApiException.invalidArgument(
          "job.name", "'" + in.getName() + "' does not match the path's " + name);
    }
    Job.Builder job = jobs.get(name);
    if (job == null) {
      if (!request.queryFlag("allowMissing")) {
        throw ApiException.notFound(name);
      }
      return createJob(
          jobs.newName(request.var("project"), request.var("location"), jobs.idOf(request)), in);
    }
    if (!in.getEtag().isEmpty() && !in.getEtag().equals(job.getEtag())) {
      throw ApiException.aborted(
          "The job '" + name + "' changed since etag " + in.getEtag() + "; read it again");
    }
    Job.Builder spec = Job.newBuilder();
    Specs.copy(in, spec, SPEC);
    checkAndComplete(spec, request.var("project"), request.var("location"));
    boolean changed = !spec.build().equals(Specs.of(job.build(), SPEC));
    if (changed) {
      Specs.copy(spec.build(), job, SPEC);
      job.setGeneration(job.getGeneration() + 1).setUpdateTime(core.now()).setLastModifier(CREATOR);
      markReconciling(job);
    }
    job.setEtag(Specs.etag(job.build()));
    return change(name, job, changed ? core.duration(UPDATE) : Duration.ZERO);
  }

  private Reply delete(ApiRequest request) {
    String name = jobs.nameOf(request);
    Job.Builder deleted = jobs.require(name);
    List<JobRunner.Run> runs = new ArrayList<>();
    return jobs.delete(
        name,
        core.duration(DELETE),
        (created, ended) -> deleted.build(),
        new LongRunningCollection.Deletion<>() {
          @Override
          public void begin(Job.Builder job) {
            job.setReconciling(true).setDeleteTime(core.now());
          }

          @Override
          public void removed(Job.Builder job) {
            iam.remove(name);
            executions
                .values()
                .removeIf(
                    run -> {
                      boolean mine = run.jobName().equals(name);
                      if (mine) {
                        runs.add(run);
                      }
                      return mine;
                    });
          }

          @Override
          public Message response(Job.Builder job) {
            return job.setReconciling(false).build();
          }

          @Override
          public void stopped(Job.Builder job) {
            runs.forEach(runner::cancel);
          }
        });
  }

  private Reply run(ApiRequest request) {
    String name = jobs.nameOf(request);
    Job.Builder job = jobs.require(name);
    RunJobRequest in = request.body(RunJobRequest.newBuilder(), "request").build();
    if (!in.getEtag().isEmpty() && !in.getEtag().equals(job.getEtag())) {
      throw ApiException.aborted("The job '" + name + "' changed since etag " + in.getEtag());
    }
    if (job.getReconciling()) {
      throw ApiException.failedPrecondition(
          "Job '" + name + "' is not ready: its last change is still being applied; retry shortly");
    }
    String project = request.var("project");
    ExecutionTemplate template = job.getTemplate();
    TaskTemplate task = applyOverrides(template.getTemplate(), in.getOverrides(), project);
    int taskCount = template.getTaskCount();
    if (in.getOverrides().getTaskCount() < 0) {
      throw ApiException.invalidArgument("overrides.taskCount", "must not be negative");
    }
    if (in.getOverrides().getTaskCount() > 0) {
      taskCount = in.getOverrides().getTaskCount();
    }
    String shortJob = jobs.idOf(request);
    String execName = name + "/executions/" + shortJob + "-" + core.ids().lowerAlnum(5);
    Execution.Builder exec =
        Execution.newBuilder()
            .setName(execName)
            .setUid(core.ids().uuid())
            .setCreator(CREATOR)
            .setGeneration(1)
            .putAllLabels(template.getLabelsMap())
            .putAllAnnotations(template.getAnnotationsMap())
            .setCreateTime(core.now())
            .setUpdateTime(core.now())
            .setLaunchStage(job.getLaunchStage())
            .setJob(shortJob)
            .setParallelism(template.getParallelism())
            .setTaskCount(taskCount)
            .setTemplate(task)
            .setReconciling(true)
            .setObservedGeneration(1)
            .addConditions(
                Specs.condition(
                    "ResourcesAvailable", Condition.State.CONDITION_PENDING, null, core.now()))
            .addConditions(
                Specs.condition("Started", Condition.State.CONDITION_PENDING, null, core.now()))
            .addConditions(
                Specs.condition("Completed", Condition.State.CONDITION_PENDING, null, core.now()));
    if (in.getValidateOnly()) {
      RunningOperation op = executionOperation(name, exec);
      op.succeed(exec.build());
      return op.reply();
    }
    job.setExecutionCount(job.getExecutionCount() + 1)
        .setLatestCreatedExecution(
            ExecutionReference.newBuilder()
                .setName(execName)
                .setCreateTime(exec.getCreateTime())
                .setCompletionStatus(ExecutionReference.CompletionStatus.EXECUTION_PENDING));
    RunningOperation op = executionOperation(name, exec);
    JobRunner.Run run = new JobRunner.Run(name, project, exec, op);
    executions.put(execName, run);
    core.transitions().after(core.duration(START), () -> runner.start(run));
    return op.reply();
  }

  /** An operation on an execution of job {@code jobName}; its metadata is the execution. */
  private RunningOperation executionOperation(String jobName, Execution.Builder execution) {
    return core.operations()
        .start("run", jobs.parentOf(jobName), (created, ended) -> execution.build());
  }

  /** Called by the runner (lock held) whenever an execution changes: keep the job in step. */
  private void executionChanged(JobRunner.Run run) {
    Job.Builder job = jobs.get(run.jobName());
    Execution e = run.execution().build();
    if (job == null || !job.getLatestCreatedExecution().getName().equals(e.getName())) {
      return;
    }
    ExecutionReference.Builder ref = job.getLatestCreatedExecutionBuilder();
    if (e.hasCompletionTime()) {
      ref.setCompletionTime(e.getCompletionTime());
      boolean cancelled = e.getCancelledCount() > 0;
      ref.setCompletionStatus(
          e.getFailedCount() > 0
              ? ExecutionReference.CompletionStatus.EXECUTION_FAILED
              : cancelled
                  ? ExecutionReference.CompletionStatus.EXECUTION_CANCELLED
                  : ExecutionReference.CompletionStatus.EXECUTION_SUCCEEDED);
    } else if (e.hasStartTime()) {
      ref.setCompletionStatus(ExecutionReference.CompletionStatus.EXECUTION_RUNNING);
    }
  }

  private TaskTemplate applyOverrides(
      TaskTemplate task, RunJobRequest.Overrides overrides, String project) {
    TaskTemplate.Builder out = task.toBuilder();
    for (int i = 0; i < overrides.getContainerOverridesCount(); i++) {
      RunJobRequest.Overrides.ContainerOverride o = overrides.getContainerOverrides(i);
      String field = "overrides.containerOverrides[" + i + "]";
      int index = containerIndex(out, o.getName(), field);
      Container.Builder c = out.getContainersBuilder(index);
      if (o.getClearArgs()) {
        c.clearArgs();
      } else if (o.getArgsCount() > 0) {
        c.clearArgs().addAllArgs(o.getArgsList());
      }
      if (o.getEnvCount() > 0) {
        checks.env(o.getEnvList(), field + ".env", project, false);
        Map<String, EnvVar> merged = new LinkedHashMap<>();
        c.getEnvList().forEach(e -> merged.put(e.getName(), e));
        o.getEnvList().forEach(e -> merged.put(e.getName(), e));
        c.clearEnv().addAllEnv(merged.values());
      }
    }
    if (overrides.hasTimeout()) {
      if (Durations.toMillis(overrides.getTimeout()) <= 0) {
        throw ApiException.invalidArgument("overrides.timeout", "must be positive");
      }
      out.setTimeout(overrides.getTimeout());
    }
    return out.build();
  }

  private static int containerIndex(TaskTemplate.Builder task, String name, String field) {
    if (name.isEmpty()) {
      if (task.getContainersCount() == 1) {
        return 0;
      }
      throw ApiException.invalidArgument(
          field + ".name", "required: the job has several containers; name the one to override");
    }
    for (int i = 0; i < task.getContainersCount(); i++) {
      if (task.getContainers(i).getName().equals(name)) {
        return i;
      }
    }
    throw ApiException.invalidArgument(
        field + ".name", "the job has no container named '" + name + "'");
  }

  private Reply getExecution(ApiRequest request) {
    return Reply.of(requireExecution(executionName(request)).execution().build());
  }

  /**
   * Newest first, as Cloud Run answers: "Lists Executions from a Job. Results are sorted by
   * creation time, descending." (REST reference, projects.locations.jobs.executions.list).
   * Executions are kept in creation order, so the list is that order reversed; only the page is
   * built.
   */
  private Reply listExecutions(ApiRequest request) {
    String job = jobs.existingName(request);
    List<JobRunner.Run> all = new ArrayList<>();
    executions
        .values()
        .forEach(
            run -> {
              if (run.jobName().equals(job)) {
                all.add(run);
              }
            });
    Collections.reverse(all);
    Pages.Page<JobRunner.Run> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 1000);
    ListExecutionsResponse.Builder out =
        ListExecutionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(run -> out.addExecutions(run.execution().build()));
    return Reply.of(out);
  }

  /** Tasks.GetTask: a task of an execution, with its last attempt's result. */
  private Reply getTask(ApiRequest request) {
    String name = executionName(request) + "/tasks/" + request.var("task");
    JobRunner.Run run = requireExecution(executionName(request));
    return run.tasks().values().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .map(t -> Reply.of(t.build()))
        .orElseThrow(() -> ApiException.notFound(name));
  }

  /** Tasks.ListTasks: the execution's tasks by index. */
  private Reply listTasks(ApiRequest request) {
    JobRunner.Run run = requireExecution(executionName(request));
    List<Task> all = run.tasks().values().stream().map(Task.Builder::build).toList();
    Pages.Page<Task> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 1000);
    return Reply.of(
        ListTasksResponse.newBuilder()
            .addAllTasks(page.items())
            .setNextPageToken(page.nextPageToken()));
  }

  private Reply cancelExecution(ApiRequest request) {
    JobRunner.Run run = requireExecution(executionName(request));
    RunningOperation op = executionOperation(run.jobName(), run.execution());
    core.transitions()
        .after(
            Duration.ZERO,
            () -> {
              runner.cancel(run);
              core.locked(() -> op.succeed(run.execution().build()));
            });
    return op.reply();
  }

  private void checkAndComplete(Job.Builder job, String project, String location) {
    if (!job.hasTemplate() || !job.getTemplate().hasTemplate()) {
      throw ApiException.invalidArgument(
          "job.template.template", "required: a task template with at least one container");
    }
    ExecutionTemplate.Builder t = job.getTemplateBuilder();
    if (t.getTaskCount() == 0) {
      t.setTaskCount(1);
    }
    if (t.getTaskCount() < 0 || t.getTaskCount() > 10000) {
      throw ApiException.invalidArgument("job.template.taskCount", "use 1 to 10000");
    }
    if (t.getParallelism() < 0) {
      throw ApiException.invalidArgument("job.template.parallelism", "must not be negative");
    }
    TaskTemplate.Builder task = t.getTemplateBuilder();
    checks.containers(task.getContainersList(), "job.template.template.containers", project, false);
    if (task.getRetriesCase() == TaskTemplate.RetriesCase.RETRIES_NOT_SET) {
      task.setMaxRetries(3);
    }
    if (task.getMaxRetries() < 0 || task.getMaxRetries() > 10) {
      throw ApiException.invalidArgument("job.template.template.maxRetries", "use 0 to 10");
    }
    if (!task.hasTimeout()) {
      task.setTimeout(Durations.fromSeconds(600));
    }
    if (task.getServiceAccount().isEmpty()) {
      task.setServiceAccount(Projects.defaultComputeServiceAccount(project));
    }
    if (task.hasVpcAccess()) {
      task.setVpcAccess(
          checks.vpcAccess(
              task.getVpcAccess(), "job.template.template.vpcAccess", project, location));
    }
    if (job.getLaunchStage() == com.google.api.LaunchStage.LAUNCH_STAGE_UNSPECIFIED) {
      job.setLaunchStage(com.google.api.LaunchStage.GA);
    }
  }

  private void markReconciling(Job.Builder job) {
    job.setReconciling(true)
        .setTerminalCondition(
            Specs.condition("Ready", Condition.State.CONDITION_RECONCILING, null, core.now()));
  }

  private JobRunner.Run requireExecution(String name) {
    JobRunner.Run run = executions.get(name);
    if (run == null) {
      throw ApiException.notFound(name);
    }
    return run;
  }

  private String executionName(ApiRequest r) {
    return jobs.nameOf(r) + "/executions/" + r.var("execution");
  }

  JsonObject snapshot() {
    JsonArray execList = new JsonArray();
    executions.values().forEach(r -> execList.add(core.json().toTree(r.execution())));
    JsonObject out = new JsonObject();
    out.add("jobs", jobs.snapshot());
    out.add("executions", execList);
    return out;
  }

  boolean changeOutOfBand(String name, JsonObject patch) {
    Job.Builder job = jobs.get(name);
    if (job == null) {
      return false;
    }
    Job before = job.build();
    Job.Builder next = core.json().mergePatch(before, patch).toBuilder();
    if (!Specs.of(before, SPEC).equals(Specs.of(next.build(), SPEC))) {
      next.setGeneration(before.getGeneration() + 1)
          .setObservedGeneration(before.getGeneration() + 1);
    }
    job.clear().mergeFrom(next.build());
    return true;
  }

  /**
   * Loads jobs and executions (lock held). A job being deleted stays (its delete was lost); an
   * execution still running is cancelled (its processes are gone).
   */
  void load(JsonArray savedJobs, JsonArray savedExecutions) {
    for (var tree : savedJobs) {
      Job.Builder job = core.json().fromTree(tree, Job.newBuilder(), "job");
      if (job.hasDeleteTime()) {
        job.clearDeleteTime().setReconciling(job.getObservedGeneration() != job.getGeneration());
      }
      jobs.put(job.getName(), job);
    }
    for (var tree : savedExecutions) {
      Execution.Builder e = core.json().fromTree(tree, Execution.newBuilder(), "execution");
      String jobName = e.getName().substring(0, e.getName().indexOf("/executions/"));
      JobRunner.Run run = runner.restored(jobName, LocationName.parse(jobName).project(), e);
      executions.put(e.getName(), run);
      executionChanged(run);
    }
  }

  /** Finishes the changes a loaded job was still reconciling. */
  void resume() {
    core.locked(
        () ->
            jobs.names().stream()
                .filter(name -> jobs.get(name).getReconciling())
                .toList()
                .forEach(name -> change(name, jobs.get(name), Duration.ZERO)));
  }

  void reset() {
    List<JobRunner.Run> runs = new ArrayList<>();
    core.locked(
        () -> {
          runs.addAll(executions.values());
          executions.clear();
          jobs.clear();
        });
    runs.forEach(runner::cancel);
  }
}
