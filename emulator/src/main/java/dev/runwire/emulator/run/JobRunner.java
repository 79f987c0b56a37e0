package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskAttemptResult;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LocationName;
import dev.runwire.emulator.core.ProcessOutput;
import dev.runwire.emulator.core.RunningOperation;
import dev.runwire.emulator.core.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs an execution for real: each task is a child process of the image's mapped command with the
 * container's env (secrets resolved, overrides merged) and {@code CLOUD_RUN_JOB}, {@code
 * CLOUD_RUN_EXECUTION}, {@code CLOUD_RUN_TASK_INDEX}, {@code CLOUD_RUN_TASK_COUNT}, {@code
 * CLOUD_RUN_TASK_ATTEMPT}. Honours parallelism, maxRetries and the task timeout; every change is
 * reflected in the Execution, its operation and the job.
 */
final class JobRunner {

  /** One execution and what the runner needs to drive it. */
  static final class Run {
    private final String jobName;
    private final String project;
    private final Execution.Builder execution;
    private final RunningOperation operation;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final List<String> failures = new ArrayList<>();

    /** The execution's tasks by index, made when it starts (Run v2 Task resources). */
    private final Map<Integer, Task.Builder> tasks = new TreeMap<>();

    private volatile boolean cancelled;
    private boolean started;

    /** {@code operation} is null for an execution loaded from a state file. */
    Run(String jobName, String project, Execution.Builder execution, RunningOperation operation) {
      this.jobName = jobName;
      this.project = project;
      this.execution = execution;
      this.operation = operation;
    }

    String jobName() {
      return jobName;
    }

    Execution.Builder execution() {
      return execution;
    }

    /** The tasks made so far, by index (lock held). */
    Map<Integer, Task.Builder> tasks() {
      return tasks;
    }
  }

  private enum Outcome {
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  private final CloudCore core;
  private final RevisionChecks checks;
  private final Consumer<Run> onChange;

  JobRunner(CloudCore core, RevisionChecks checks, Consumer<Run> onChange) {
    this.core = core;
    this.checks = checks;
    this.onChange = onChange;
  }

  /** Starts the execution's tasks (returns at once; tasks run on worker threads). */
  void start(Run run) {
    record Launch(List<String> argv, Map<String, String> env, int tasks, int parallelism) {}
    Launch launch =
        core.locked(
            () -> {
              if (run.cancelled) {
                return null;
              }
              Execution.Builder e = run.execution;
              Container c = e.getTemplate().getContainers(0);
              Optional<List<String>> command = core.images().commandFor(c.getImage());
              if (command.isEmpty()) {
                run.failures.add(
                    "Image '"
                        + c.getImage()
                        + "' is not mapped to a local command, so the local cloud cannot run it;"
                        + " start it with --image "
                        + c.getImage()
                        + "=<command> or LocalCloud.builder().imageCommand(...)");
                e.setFailedCount(e.getTaskCount());
                complete(run, Outcome.FAILED);
                return null;
              }
              List<String> argv = new ArrayList<>(command.get());
              argv.addAll(c.getArgsList());
              Map<String, String> env = checks.resolve(c.getEnvList(), run.project);
              run.started = true;
              e.setStartTime(core.now())
                  .clearConditions()
                  .addConditions(
                      Specs.condition(
                          "ResourcesAvailable",
                          Condition.State.CONDITION_SUCCEEDED,
                          null,
                          core.now()))
                  .addConditions(
                      Specs.condition(
                          "Started", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
                  .addConditions(
                      Specs.condition(
                          "Completed", Condition.State.CONDITION_RECONCILING, null, core.now()));
              changed(run);
              int tasks = e.getTaskCount();
              for (int i = 0; i < tasks; i++) {
                run.tasks.put(i, newTask(e, i));
              }
              int parallelism =
                  e.getParallelism() > 0 ? Math.min(e.getParallelism(), tasks) : tasks;
              return new Launch(argv, env, tasks, parallelism);
            });
    if (launch == null) {
      return;
    }
    core.workers()
        .execute(
            () -> {
              ExecutorService pool = Executors.newFixedThreadPool(launch.parallelism(), daemon());
              for (int i = 0; i < launch.tasks(); i++) {
                int index = i;
                pool.execute(
                    () -> runTask(run, index, launch.tasks(), launch.argv(), launch.env()));
              }
              pool.shutdown();
              try {
                while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                  // tasks are bounded by their timeout
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
              }
              core.locked(
                  () -> {
                    Execution.Builder e = run.execution;
                    Outcome outcome =
                        e.getFailedCount() > 0
                            ? Outcome.FAILED
                            : run.cancelled ? Outcome.CANCELLED : Outcome.SUCCEEDED;
                    complete(run, outcome);
                  });
            });
  }

  private void runTask(Run run, int index, int count, List<String> argv, Map<String, String> env) {
    Execution.Builder e = run.execution;
    int maxRetries = core.locked(() -> e.getTemplate().getMaxRetries());
    Duration timeout =
        Duration.ofMillis(core.locked(() -> Durations.toMillis(e.getTemplate().getTimeout())));
    String jobShort = run.jobName.substring(run.jobName.lastIndexOf('/') + 1);
    String execShort = e.getName().substring(e.getName().lastIndexOf('/') + 1);
    Path dir = core.workDir().resolve("executions").resolve(execShort);
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (run.cancelled) {
        core.locked(() -> e.setCancelledCount(e.getCancelledCount() + 1));
        return;
      }
      Map<String, String> full = new HashMap<>(core.containerBaseEnv());
      full.putAll(env);
      full.put("CLOUD_RUN_JOB", jobShort);
      full.put("CLOUD_RUN_EXECUTION", execShort);
      full.put("CLOUD_RUN_TASK_INDEX", Integer.toString(index));
      full.put("CLOUD_RUN_TASK_COUNT", Integer.toString(count));
      full.put("CLOUD_RUN_TASK_ATTEMPT", Integer.toString(attempt));
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().clear();
      pb.environment().putAll(full);
      String label = execShort + "/task-" + index + "/attempt-" + attempt;
      String failure;
      Process p = null;
      try {
        p =
            ProcessOutput.start(
                core.processes(),
                pb,
                dir.resolve("task-" + index + "-attempt-" + attempt + ".stdout.log"),
                dir.resolve("task-" + index + "-attempt-" + attempt + ".stderr.log"),
                core.echoOutput(),
                label,
                LOG::info);
      } catch (IOException ex) {
        failure = "Task " + index + " could not start " + argv.get(0) + ": " + ex.getMessage();
        p = null;
      }
      boolean killed = false;
      if (p != null) {
        Process process = p;
        // Its connections to Redis instances are judged by the execution's network settings.
        core.workloads()
            .register(
                process,
                core.locked(
                    () ->
                        new Workloads.Workload(
                            "job task",
                            e.getName() + "/tasks/" + index,
                            run.project,
                            LocationName.parse(e.getName()).location(),
                            e.getTemplate().getServiceAccount(),
                            e.getTemplate().getVpcAccess())));
        run.live.add(process);
        java.util.concurrent.atomic.AtomicBoolean killedNow =
            new java.util.concurrent.atomic.AtomicBoolean();
        core.faults()
            .taskKill()
            .ifPresent(
                after ->
                    core.transitions()
                        .after(
                            after,
                            () -> {
                              if (process.isAlive() && !run.cancelled) {
                                killedNow.set(true);
                                core.faults().taskKilled();
                                process.destroyForcibly();
                              }
                            }));
        int attemptNumber = attempt;
        core.locked(
            () -> {
              e.setRunningCount(e.getRunningCount() + 1);
              taskStarted(run, index, attemptNumber);
              changed(run);
            });
        boolean finished = waitFor(process, timeout);
        if (!finished) {
          core.processes().stop(process, Duration.ofSeconds(2));
        }
        run.live.remove(process);
        killed = killedNow.get();
        int exit = finished ? process.exitValue() : -1;
        boolean last = (finished && exit == 0) || attempt >= maxRetries || run.cancelled;
        core.locked(
            () -> {
              e.setRunningCount(e.getRunningCount() - 1);
              taskAttempted(run, index, finished, exit, timeout, last);
              changed(run);
            });
        if (finished && exit == 0) {
          core.locked(
              () -> {
                e.setSucceededCount(e.getSucceededCount() + 1);
                changed(run);
              });
          return;
        }
        failure =
            killed
                ? "Task "
                    + index
                    + " was killed mid-run by the local cloud's killTasks fault (attempt "
                    + attempt
                    + ")"
                : finished
                    ? "Task "
                        + index
                        + " failed with exit code "
                        + exit
                        + " (attempt "
                        + attempt
                        + ")"
                    : "Task "
                        + index
                        + " timed out after "
                        + timeout
                        + " (attempt "
                        + attempt
                        + ")";
      } else {
        failure = "Task " + index + " could not start (attempt " + attempt + ")";
      }
      if (run.cancelled) {
        core.locked(() -> e.setCancelledCount(e.getCancelledCount() + 1));
        return;
      }
      String message = failure + "; logs in " + dir;
      boolean retry = attempt < maxRetries;
      core.locked(
          () -> {
            if (retry) {
              e.setRetriedCount(e.getRetriedCount() + 1);
            } else {
              e.setFailedCount(e.getFailedCount() + 1);
              run.failures.add(message);
            }
            changed(run);
          });
    }
  }

  /**
   * A task as Run v2 shows it before it runs (google/cloud/run/v2/task.proto): its name is the
   * execution's id with {@code -task<index>}, and it copies the execution's task template.
   */
  private Task.Builder newTask(Execution.Builder e, int index) {
    String execShort = e.getName().substring(e.getName().lastIndexOf('/') + 1);
    var t = e.getTemplate();
    return Task.newBuilder()
        .setName(e.getName() + "/tasks/" + execShort + "-task" + index)
        .setUid(core.ids().uuid())
        .setGeneration(1)
        .setObservedGeneration(1)
        .setCreateTime(core.now())
        .setUpdateTime(core.now())
        .setJob(e.getJob())
        .setExecution(execShort)
        .setIndex(index)
        .addAllContainers(t.getContainersList())
        .setMaxRetries(t.getMaxRetries())
        .setTimeout(t.getTimeout())
        .setServiceAccount(t.getServiceAccount())
        .setVpcAccess(t.getVpcAccess())
        .setReconciling(true)
        .addConditions(
            Specs.condition("Started", Condition.State.CONDITION_PENDING, null, core.now()))
        .addConditions(
            Specs.condition("Completed", Condition.State.CONDITION_PENDING, null, core.now()));
  }

  /** An attempt of task {@code index} started (lock held). */
  private void taskStarted(Run run, int index, int attempt) {
    Task.Builder t = run.tasks.get(index);
    if (t == null) {
      return;
    }
    t.setStartTime(core.now()).setRetried(attempt).setUpdateTime(core.now());
    setCondition(t, "Started", Condition.State.CONDITION_SUCCEEDED, null);
  }

  /**
   * An attempt of task {@code index} ended (lock held): {@code lastAttemptResult} holds its exit
   * code and a status that is OK only when it succeeded; a timed-out attempt has no exit code
   * (task.proto: "This may be unset if the container was unable to exit cleanly").
   */
  private void taskAttempted(
      Run run, int index, boolean finished, int exit, Duration timeout, boolean last) {
    Task.Builder t = run.tasks.get(index);
    if (t == null) {
      return;
    }
    TaskAttemptResult.Builder result = TaskAttemptResult.newBuilder();
    if (finished) {
      result.setExitCode(exit);
      if (exit != 0) {
        result.setStatus(
            com.google.rpc.Status.newBuilder()
                .setCode(com.google.rpc.Code.UNKNOWN_VALUE)
                .setMessage("Task failed with exit code " + exit));
      }
    } else {
      result.setStatus(
          com.google.rpc.Status.newBuilder()
              .setCode(com.google.rpc.Code.DEADLINE_EXCEEDED_VALUE)
              .setMessage("Task timed out after " + timeout));
    }
    t.setLastAttemptResult(result).setUpdateTime(core.now());
    if (last) {
      t.setCompletionTime(core.now()).setReconciling(false);
      boolean ok = finished && exit == 0;
      setCondition(
          t,
          "Completed",
          ok ? Condition.State.CONDITION_SUCCEEDED : Condition.State.CONDITION_FAILED,
          ok ? null : result.getStatus().getMessage());
    }
    t.setEtag(Specs.etag(t.build()));
  }

  private void setCondition(Task.Builder t, String type, Condition.State state, String message) {
    List<Condition> kept = new ArrayList<>(t.getConditionsList());
    kept.removeIf(c -> c.getType().equals(type));
    kept.add(Specs.condition(type, state, message, core.now()));
    t.clearConditions().addAllConditions(kept);
  }

  /**
   * An execution loaded from a state file (lock held). One that was still running when the state
   * was saved lost its processes: it is cancelled now.
   */
  Run restored(String jobName, String project, Execution.Builder execution) {
    Run run = new Run(jobName, project, execution, null);
    run.started = true;
    if (!execution.hasCompletionTime()) {
      run.cancelled = true;
      complete(run, Outcome.CANCELLED);
    }
    return run;
  }

  /** Stops the execution's processes; tasks not finished count as cancelled. */
  void cancel(Run run) {
    run.cancelled = true;
    for (Process p : List.copyOf(run.live)) {
      core.processes().stop(p, Duration.ofSeconds(2));
    }
    core.locked(
        () -> {
          if (!run.started && !run.execution.hasCompletionTime()) {
            run.execution.setCancelledCount(run.execution.getTaskCount());
            complete(run, Outcome.CANCELLED);
          }
        });
  }

  /** Marks the execution done and ends its operation (lock held). */
  private void complete(Run run, Outcome outcome) {
    Execution.Builder e = run.execution;
    if (e.hasCompletionTime()) {
      return;
    }
    e.setCompletionTime(core.now()).setReconciling(false).setRunningCount(0);
    List<Condition> kept = new ArrayList<>(e.getConditionsList());
    kept.removeIf(c -> c.getType().equals("Completed"));
    e.clearConditions().addAllConditions(kept);
    String failure;
    Condition.Builder completed;
    switch (outcome) {
      case SUCCEEDED -> {
        long seconds =
            e.hasStartTime()
                ? Timestamps.between(e.getStartTime(), e.getCompletionTime()).getSeconds()
                : 0;
        completed =
            Specs.condition(
                "Completed",
                Condition.State.CONDITION_SUCCEEDED,
                "Execution completed successfully in " + seconds + "s.",
                core.now())
                .toBuilder();
        failure = null;
      }
      case CANCELLED -> {
        e.setCancelledCount(
            Math.max(
                e.getCancelledCount(),
                e.getTaskCount() - e.getSucceededCount() - e.getFailedCount()));
        failure = "The execution was cancelled.";
        completed =
            Specs.condition("Completed", Condition.State.CONDITION_FAILED, failure, core.now())
                .toBuilder()
                .setExecutionReason(Condition.ExecutionReason.CANCELLED);
      }
      default -> {
        failure =
            e.getFailedCount()
                + " of "
                + e.getTaskCount()
                + " tasks failed. "
                + String.join(" ", run.failures);
        completed =
            Specs.condition("Completed", Condition.State.CONDITION_FAILED, failure, core.now())
                .toBuilder()
                .setSeverity(Condition.Severity.ERROR)
                .setExecutionReason(Condition.ExecutionReason.NON_ZERO_EXIT_CODE);
      }
    }
    e.addConditions(completed);
    e.setUpdateTime(core.now());
    e.setEtag(Specs.etag(e.build()));
    onChange.accept(run);
    if (run.operation == null) {
      return; // a restored execution: its operation was saved done or aborted on load
    }
    if (failure == null) {
      run.operation.succeed(e.build());
    } else {
      run.operation.fail(
          ApiException.failedPrecondition("Execution " + e.getName() + " failed: " + failure));
    }
  }

  private void changed(Run run) {
    run.execution.setUpdateTime(core.now());
    run.operation.refreshMetadata();
    onChange.accept(run);
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "local-cloud-task");
      t.setDaemon(true);
      return t;
    };
  }
}
