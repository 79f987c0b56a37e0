package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExecutionWindowTest {

  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger reads = new AtomicInteger();

  @Test
  void oneTaskRunsAtMostTimeoutTimesAttemptsPlusSlack() {
    ExecutionWindow window = window(job(Duration.ofMinutes(10), 3, 1, 0), Duration.ofMinutes(1));

    assertEquals(Optional.of(Duration.ofMinutes(41)), window.maxAge(1));
  }

  @Test
  void tasksBeyondParallelismRunInWaves() {
    ExecutionWindow window = window(job(Duration.ofMinutes(5), 1, 1, 4), Duration.ZERO);

    // 10 tasks, 4 at a time: 3 waves of up to 2 attempts of 5 minutes.
    assertEquals(Optional.of(Duration.ofMinutes(30)), window.maxAge(10));
    assertEquals(Optional.of(Duration.ofMinutes(10)), window.maxAge(3));
  }

  @Test
  void unsetTimeoutAndRetriesAreCloudRunsDefaults() {
    Job job =
        Job.newBuilder()
            .setTemplate(ExecutionTemplate.newBuilder().setTemplate(TaskTemplate.newBuilder()))
            .build();

    // task_template.proto: timeout defaults to 600 seconds, max_retries to 3.
    assertEquals(Optional.of(Duration.ofMinutes(40)), window(job, Duration.ZERO).maxAge(1));
  }

  @Test
  void templateIsReadOnceAndAgainAfterTenMinutes() {
    ExecutionWindow window = window(job(Duration.ofSeconds(60), 0, 1, 0), Duration.ZERO);
    window.maxAge(1);
    now.addAndGet(Duration.ofMinutes(9).toNanos());
    window.maxAge(1);
    assertEquals(1, reads.get());

    now.addAndGet(Duration.ofMinutes(1).toNanos());
    window.maxAge(1);
    assertEquals(2, reads.get());
  }

  @Test
  void unreadableJobLeavesTheWindowUnknownAndALaterFailureKeepsTheLastTemplate() {
    AtomicInteger calls = new AtomicInteger();
    Job job = job(Duration.ofSeconds(60), 0, 1, 0);
    ExecutionWindow window =
        new ExecutionWindow(
            () -> {
              if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("unavailable");
              }
              return job;
            },
            Duration.ZERO,
            now::get);

    assertEquals(Optional.empty(), window.maxAge(1));
    assertEquals(Optional.of(Duration.ofSeconds(60)), window.maxAge(1));
    now.addAndGet(Duration.ofMinutes(10).toNanos());
    assertEquals(Optional.of(Duration.ofSeconds(60)), window.maxAge(1));
    assertEquals(3, calls.get());
    // The failed re-read is tried again after 30 s, not on every event.
    window.maxAge(1);
    assertEquals(3, calls.get());
  }

  private ExecutionWindow window(Job job, Duration slack) {
    return new ExecutionWindow(
        () -> {
          reads.incrementAndGet();
          return job;
        },
        slack,
        now::get);
  }

  private static Job job(Duration timeout, int maxRetries, int taskCount, int parallelism) {
    return Job.newBuilder()
        .setTemplate(
            ExecutionTemplate.newBuilder()
                .setTaskCount(taskCount)
                .setParallelism(parallelism)
                .setTemplate(
                    TaskTemplate.newBuilder()
                        .setMaxRetries(maxRetries)
                        .setTimeout(Durations.fromMillis(timeout.toMillis()))))
        .build();
  }
}
