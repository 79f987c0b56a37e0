package dev.runwire.function;

import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How long ago an execution of the job that is still running can have been created, read from the
 * job's own template: every task ends within its timeout, and a failed task is retried at most
 * {@code maxRetries} times, so an execution whose tasks run in {@code waves} (task count over
 * parallelism) is done within {@code timeout x (maxRetries + 1) x waves} of starting. The slack
 * covers the time from createTime to the first task starting and the difference between this
 * instance's clock and the Run API's.
 *
 * <p>The template is read once ({@code jobs.get}) and again every {@link #REFRESH}, so a changed
 * timeout is picked up without a redeploy. If it cannot be read, the window is unknown and the
 * caller scans without it (as before); a failed re-read keeps the last known template.
 *
 * <p>Defaults when the template leaves them unset are Cloud Run's (task_template.proto): timeout
 * 600 s, max_retries 3. An execution started by hand with a longer {@code --task-timeout} override
 * than the template's is not covered: it is not one the function starts.
 */
final class ExecutionWindow {

  static final Duration REFRESH = Duration.ofMinutes(10);

  /** A failed read is tried again after this, not on every event. */
  static final Duration RETRY_READ = Duration.ofSeconds(30);

  /** createTime to first task start, plus clock difference. */
  static final Duration DEFAULT_SLACK = Duration.ofMinutes(1);

  private static final Duration CLOUD_RUN_DEFAULT_TIMEOUT = Duration.ofSeconds(600);
  private static final int CLOUD_RUN_DEFAULT_MAX_RETRIES = 3;

  /** What the window is computed from. */
  record Template(Duration taskTimeout, int maxRetries, int taskCount, int parallelism) {

    static Template of(Job job) {
      ExecutionTemplate execution = job.getTemplate();
      TaskTemplate task = execution.getTemplate();
      Duration timeout =
          task.hasTimeout()
              ? Duration.ofMillis(Durations.toMillis(task.getTimeout()))
              : CLOUD_RUN_DEFAULT_TIMEOUT;
      int retries =
          task.getRetriesCase() == TaskTemplate.RetriesCase.MAX_RETRIES
              ? task.getMaxRetries()
              : CLOUD_RUN_DEFAULT_MAX_RETRIES;
      return new Template(timeout, retries, execution.getTaskCount(), execution.getParallelism());
    }

    /** The longest an execution of {@code tasks} tasks runs, from its first task's start. */
    Duration longestRun(int tasks) {
      int count = Math.max(Math.max(tasks, taskCount), 1);
      // parallelism 0: "the maximum possible value will be used" (execution.proto): all at once.
      int perWave = parallelism > 0 ? Math.min(parallelism, count) : count;
      int waves = (count + perWave - 1) / perWave;
      return taskTimeout.multipliedBy((long) (maxRetries + 1) * waves);
    }
  }

  private record Read(Template template, long atNanos, long nextReadNanos) {}

  private final Supplier<Job> reader;
  private final Duration slack;
  private final LongSupplier nanoTime;
  private Read last;

  ExecutionWindow(Supplier<Job> reader, Duration slack, LongSupplier nanoTime) {
    this.reader = reader;
    this.slack = slack;
    this.nanoTime = nanoTime;
  }

  /**
   * The oldest a running execution of up to {@code tasks} tasks can be; empty when the job's
   * template has never been read.
   */
  Optional<Duration> maxAge(int tasks) {
    return template().map(t -> t.longestRun(tasks).plus(slack));
  }

  synchronized Optional<Template> template() {
    long now = nanoTime.getAsLong();
    if (last == null || now - last.nextReadNanos() >= 0) {
      try {
        Template read = Template.of(reader.get());
        last = new Read(read, now, now + REFRESH.toNanos());
      } catch (RuntimeException e) {
        // Unknown job, denied, unavailable: keep what we had; the list call says what is wrong.
        last =
            last == null
                ? null
                : new Read(last.template(), last.atNanos(), now + RETRY_READ.toNanos());
        if (last == null) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(last.template());
  }
}
