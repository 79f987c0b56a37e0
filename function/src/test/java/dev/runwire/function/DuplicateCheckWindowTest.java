package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.JobName;
import com.google.protobuf.util.Timestamps;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.function.CloudRunJobLauncher.Launch;
import dev.runwire.function.CloudRunJobLauncher.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The duplicate check reads the job's executions newest first only back to the oldest a running
 * execution can be (the job template's task timeout x (max retries + 1)), so its cost does not grow
 * with the job's history, and a running duplicate inside that window is still found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuplicateCheckWindowTest {

  private static final String QUICK = "local/window-quick";

  /** Sleeps only for request slow-1, so the fillers around it complete at once. */
  private static final String SLOW_FOR_ONE = "local/window-slow-for-one";

  private static final AtomicInteger JOBS = new AtomicInteger();

  private FunctionFixture fixture;
  private LocalCloud cloud;
  private LocalJobs localJobs;

  @BeforeAll
  void startCloud() throws Exception {
    fixture =
        FunctionFixture.onLocalCloud(
            LocalCloud.builder()
                .profile("instant")
                .imageCommand(QUICK, List.of("true"))
                .imageCommand(
                    SLOW_FOR_ONE,
                    List.of("bash", "-c", "test \"$RUNWIRE_REQUEST_ID\" != slow-1 || sleep 30")));
    cloud = fixture.cloud();
    localJobs = fixture.jobs();
  }

  @AfterAll
  void stopCloud() {
    fixture.close();
  }

  @AfterEach
  void closeLaunchers() {
    fixture.reset();
  }

  @Test
  void historyOlderThanTheWindowIsNotReadEvenForTheSameRequest() throws Exception {
    // Tasks time out after 1 s and are not retried: nothing created over 1 s ago still runs.
    JobName job = newJob(QUICK, Duration.ofSeconds(1), 0);
    CloudRunJobLauncher launcher = launcher(job);
    launcher.launch(launch("repeat-1"));
    history(job, "old-", 150);
    awaitAllCompleted(job);
    Thread.sleep(1_200);
    cloud.resetLog();

    Outcome again = launcher.launch(launch("repeat-1"));

    assertTrue(again instanceof Outcome.Started, () -> "got " + again);
    List<RecordedRequest> lists = executionLists(job);
    // 152 executions are three pages of 100 / 50; the check reads one page and stops at the first
    // execution older than the window, the re-check reads one page of 50.
    assertEquals(2, lists.size(), () -> queries(lists));
    assertTrue(lists.stream().noneMatch(DuplicateCheckWindowTest::nextPage), () -> queries(lists));
    assertEquals(152, localJobs.executions(job).size());
  }

  @Test
  void pagesReadStayTheSameAsTheHistoryGrows() throws Exception {
    JobName job = newJob(QUICK, Duration.ofSeconds(1), 0);
    CloudRunJobLauncher launcher = launcher(job);
    List<Integer> pagesPerLaunch = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      history(job, "grow-" + round + "-", 110);
      awaitAllCompleted(job);
      Thread.sleep(1_200);
      cloud.resetLog();
      launcher.launch(launch("probe-" + round));
      pagesPerLaunch.add(executionLists(job).size());
    }
    // 111, 222 and 333 executions of history: always one page for the check, one for the re-check.
    assertEquals(List.of(2, 2, 2), pagesPerLaunch);
  }

  @Test
  void aCheckAsksForAboutAsManyExecutionsAsThePreviousCheckNeeded() throws Exception {
    JobName job = newJob(QUICK, Duration.ofSeconds(1), 0);
    CloudRunJobLauncher launcher = launcher(job);
    history(job, "before-", 150);
    awaitAllCompleted(job);
    Thread.sleep(1_200);
    // The first check asks for 100 and learns that the window held none of them.
    launcher.launch(launch("learn-1"));
    awaitAllCompleted(job);
    Thread.sleep(1_200);
    cloud.resetLog();

    launcher.launch(launch("learn-2"));

    List<RecordedRequest> lists = executionLists(job);
    // Parsing executions is the function's cost per event: the check now reads a page of the
    // smallest size, not 100 executions of which one was needed; the re-check does the same.
    assertEquals(2, lists.size(), () -> queries(lists));
    assertTrue(
        lists.stream().allMatch(r -> r.query().contains("pageSize=" + ScanPageSize.MIN)),
        () -> queries(lists));
  }

  @Test
  void runningDuplicateInsideTheWindowIsFoundBeyondTheFirstPage() throws Exception {
    JobName job = newJob(SLOW_FOR_ONE, Duration.ofSeconds(120), 0);
    CloudRunJobLauncher launcher = launcher(job);
    Outcome first = launcher.launch(launch("slow-1"));
    history(job, "filler-", 130);
    cloud.resetLog();

    Outcome again = launcher.launch(launch("slow-1"));

    assertTrue(again instanceof Outcome.AlreadyRunning, () -> "got " + again);
    assertEquals(first.execution(), again.execution());
    assertFalse(localJobs.execution(first.execution()).hasCompletionTime());
    // slow-1 is the 131st newest: the check had to read on to the second page to find it.
    List<RecordedRequest> lists = executionLists(job);
    assertEquals(2, lists.size(), () -> queries(lists));
    assertTrue(nextPage(lists.get(1)), () -> queries(lists));
    assertEquals(131, localJobs.executions(job).size());
  }

  @Test
  void windowComesFromTheJobsOwnTemplate() throws Exception {
    JobName job = newJob(QUICK, Duration.ofSeconds(300), 2);
    CloudRunJobLauncher launcher = launcher(job);
    launcher.launch(launch("template-1"));

    List<RecordedRequest> gets =
        cloud.requestLog().stream()
            .filter(r -> r.method().equals("GET") && r.path().endsWith("/jobs/" + job.getJob()))
            .toList();
    assertEquals(1, gets.size(), "one jobs.get per instance, then every 10 minutes");
    launcher.launch(launch("template-2"));
    assertEquals(
        1,
        cloud.requestLog().stream()
            .filter(r -> r.method().equals("GET") && r.path().endsWith("/jobs/" + job.getJob()))
            .count());
    Execution newest = localJobs.executions(job).get(0);
    assertEquals("template-2", CloudRunJobLauncher.requestIdOf(newest));
    assertTrue(Timestamps.toMillis(newest.getCreateTime()) > 0);
  }

  /**
   * The scan asks for a partial response (X-Goog-FieldMask) with only what it reads: parsing the
   * rest of every Execution (conditions, image, job, ...) was most of the function's CPU per event.
   */
  @Test
  void theScanReadsOnlyTheFieldsItNeeds() throws Exception {
    JobName job = newJob(SLOW_FOR_ONE, Duration.ofSeconds(60), 0);
    CloudRunJobLauncher launcher = launcher(job);
    String started = launcher.launch(launch("slow-1")).execution();

    Execution found =
        launcher.oldestRunning("slow-1", null, new ScanPageSize(100, 100)).orElseThrow();

    assertEquals(started, found.getName());
    assertEquals("slow-1", CloudRunJobLauncher.requestIdOf(found));
    assertTrue(found.hasCreateTime());
    assertEquals(1, found.getTaskCount());
    Execution whole = localJobs.executions(job).get(0);
    assertFalse(whole.getTemplate().getContainers(0).getImage().isEmpty());
    assertTrue(whole.getConditionsCount() > 0);
    assertEquals("", found.getTemplate().getContainers(0).getImage());
    assertEquals(0, found.getConditionsCount());
    assertEquals("", found.getJob());
  }

  /** {@code count} executions of the job started straight through the Run API, 4 at a time. */
  private void history(JobName job, String prefix, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = prefix + i;
        runs.add(pool.submit(() -> localJobs.run(job, id)));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A list call for a page after the first (the client always sends pageToken, empty at first). */
  private static boolean nextPage(RecordedRequest r) {
    return r.query().matches(".*pageToken=[^&].*");
  }

  private void awaitAllCompleted(JobName job) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (localJobs.executions(job).stream().anyMatch(e -> !e.hasCompletionTime())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("executions still running after 60 s");
      }
      Thread.sleep(50);
    }
  }

  private List<RecordedRequest> executionLists(JobName job) {
    return cloud.requestLog().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith(job.getJob() + "/executions"))
        .toList();
  }

  private static String queries(List<RecordedRequest> lists) {
    return lists.stream().map(RecordedRequest::query).toList().toString();
  }

  private JobName newJob(String image, Duration timeout, int maxRetries) throws Exception {
    return localJobs.createJob("window-" + JOBS.incrementAndGet(), image, timeout, maxRetries);
  }

  private CloudRunJobLauncher launcher(JobName job) {
    return fixture.launcher(
        job,
        dev.runwire.schemas.cloud.CloudEndpoints.local(cloud.baseUrl(), null),
        Duration.ZERO,
        Duration.ZERO);
  }

  private static Launch launch(String requestId) {
    return new Launch(requestId, "m-" + requestId, Requests.apply(requestId), 1);
  }
}
