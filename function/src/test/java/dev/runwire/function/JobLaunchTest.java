package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.JobName;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The function called directly with CloudEvents, launching through the real Run v2 client against
 * the local cloud, whose jobs run as local processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLaunchTest {

  private static final String LONG_RUNNING = "local/runwire-job-long";
  private static final String QUICK = "local/runwire-job-quick";
  private static final AtomicInteger JOBS = new AtomicInteger();

  private FunctionFixture fixture;
  private LocalCloud cloud;
  private LocalJobs localJobs;
  private RecordingEventSink events;

  @BeforeAll
  void startCloud() throws Exception {
    fixture =
        FunctionFixture.onLocalCloud(
            LocalCloud.builder()
                .imageCommand(LONG_RUNNING, List.of("bash", "-c", "sleep 30"))
                .imageCommand(QUICK, List.of("true")));
    cloud = fixture.cloud();
    localJobs = fixture.jobs();
    events = fixture.events;
  }

  @AfterAll
  void stopCloud() {
    fixture.close();
  }

  @AfterEach
  void closeLaunchers() {
    fixture.reset();
    cloud.faults().clear();
  }

  @Test
  void validRequestStartsOneExecutionCarryingTheRequest() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());

    function.accept(PubSubDeliveries.message("301", Requests.apply("launch-1")));

    AcceptedEvent accepted = events.single(AcceptedEvent.class);
    List<Execution> executions = localJobs.executions(job);
    assertEquals(1, executions.size());
    Execution execution = executions.get(0);
    assertEquals(execution.getName(), accepted.execution());
    assertFalse(accepted.duplicate());
    assertEquals("launch-1", accepted.requestId());
    assertEquals("301", accepted.messageId());
    assertEquals("apply", accepted.mode());
    assertEquals(1, accepted.taskCount());
    assertEquals(1, execution.getTaskCount());
    assertEquals(
        JsonParser.parseString(Requests.apply("launch-1")),
        JsonParser.parseString(LocalJobs.env(execution, "RUNWIRE_REQUEST")));
    assertFalse(LocalJobs.env(execution, "RUNWIRE_REQUEST").contains("\n"));
    assertEquals("launch-1", LocalJobs.env(execution, "RUNWIRE_REQUEST_ID"));
    assertEquals("301", LocalJobs.env(execution, "RUNWIRE_MESSAGE_ID"));
  }

  @Test
  void sameRequestIdWhileRunningPointsAtTheRunningExecution() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());
    function.accept(PubSubDeliveries.message("311", Requests.apply("dup-1")));
    String first = events.single(AcceptedEvent.class).execution();
    events.clear();

    // A second publish of the same request, handled by another instance (own clients, no memory).
    ProvisioningRequestFunction otherInstance = function(job, Map.of());
    otherInstance.accept(PubSubDeliveries.message("312", Requests.apply("dup-1")));

    AcceptedEvent duplicate = events.single(AcceptedEvent.class);
    assertTrue(duplicate.duplicate());
    assertEquals(first, duplicate.execution());
    assertEquals("312", duplicate.messageId());
    assertEquals(1, localJobs.executions(job).size());
  }

  @Test
  void redeliveredMessageStartsNothingNew() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());

    function.accept(PubSubDeliveries.message("321", Requests.apply("redeliver-1")));
    function.accept(PubSubDeliveries.message("321", Requests.apply("redeliver-1")));

    assertEquals(1, localJobs.executions(job).size());
    assertTrue(((AcceptedEvent) events.events().get(1)).duplicate());
  }

  @Test
  void differentRequestIdsRunSideBySide() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());

    function.accept(PubSubDeliveries.message("331", Requests.apply("side-1")));
    function.accept(PubSubDeliveries.message("332", Requests.apply("side-2")));

    assertEquals(2, localJobs.executions(job).size());
    assertFalse(((AcceptedEvent) events.events().get(1)).duplicate());
  }

  @Test
  void sameRequestIdAfterTheExecutionCompletedRunsAgain() throws Exception {
    JobName job = newJob(QUICK);
    ProvisioningRequestFunction function = function(job, Map.of());
    function.accept(PubSubDeliveries.message("341", Requests.apply("again-1")));
    String first = events.single(AcceptedEvent.class).execution();
    assertTrue(localJobs.awaitCompletion(first, Duration.ofSeconds(20)).hasCompletionTime());
    events.clear();

    function.accept(PubSubDeliveries.message("342", Requests.apply("again-1")));

    AcceptedEvent second = events.single(AcceptedEvent.class);
    assertFalse(second.duplicate());
    assertNotEquals(first, second.execution());
    assertEquals(2, localJobs.executions(job).size());
  }

  @Test
  void scopedDriftCheckRunsOneTaskPerRegionCappedByMaxTasks() throws Exception {
    JobName job = newJob(QUICK);
    ProvisioningRequestFunction function = function(job, Map.of("RUNWIRE_MAX_TASKS", "2"));

    function.accept(
        PubSubDeliveries.message(
            "351",
            Requests.scopedDriftCheck("sweep-1", "us-central1", "europe-west1", "asia-east1")));
    function.accept(
        PubSubDeliveries.message("352", Requests.scopedDriftCheck("sweep-2", "europe-west1")));

    List<AcceptedEvent> accepted = events.events().stream().map(AcceptedEvent.class::cast).toList();
    assertEquals(2, accepted.get(0).taskCount());
    assertEquals("drift-check", accepted.get(0).mode());
    assertEquals(1, accepted.get(1).taskCount());
    assertEquals(2, localJobs.execution(accepted.get(0).execution()).getTaskCount());
    assertEquals(1, localJobs.execution(accepted.get(1).execution()).getTaskCount());
  }

  @Test
  void missingJobPublishesLaunchFailedAndAcknowledges() throws Exception {
    JobName missing = JobName.of(LocalJobs.PROJECT, LocalJobs.REGION, "no-such-job");
    ProvisioningRequestFunction function = function(missing, Map.of());

    function.accept(PubSubDeliveries.message("361", Requests.apply("orphan-1")));

    LaunchFailedEvent failed = events.single(LaunchFailedEvent.class);
    assertEquals("NOT_FOUND", failed.code());
    assertEquals("orphan-1", failed.requestId());
    assertEquals("361", failed.messageId());
    assertFalse(failed.retryable());
    assertTrue(failed.fix().startsWith("deploy the job first: terraform-bootstrap"), failed.fix());
    assertTrue(fixture.log().contains("\"severity\":\"ERROR\""));
  }

  @Test
  void missingJobWithDeadLetteringThrowsAfterPublishing() throws Exception {
    JobName missing = JobName.of(LocalJobs.PROJECT, LocalJobs.REGION, "no-such-job");
    ProvisioningRequestFunction function =
        function(missing, Map.of("RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES", "true"));

    assertThrows(
        RequestIntake.LaunchFailedException.class,
        () -> function.accept(PubSubDeliveries.message("362", Requests.apply("orphan-2"))));

    assertTrue(events.single(LaunchFailedEvent.class).retryable());
  }

  @Test
  void aTransientErrorOnTheDuplicateCheckIsRetriedInPlaceNotByRedelivery() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());
    cloud.faults().failNext("run", CloudRunJobLauncher.READ_ATTEMPTS - 1);

    function.accept(PubSubDeliveries.message("375", Requests.apply("flaky-list")));

    assertEquals(1, localJobs.executions(job).size());
    assertFalse(events.single(AcceptedEvent.class).duplicate());
  }

  @Test
  void unavailableRunApiThrowsSoPubSubRedeliversAndStartsNothing() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    ProvisioningRequestFunction function = function(job, Map.of());
    // Every try of the first read fails: the delivery fails (reads are retried in place first).
    cloud.faults().failNext("run", CloudRunJobLauncher.READ_ATTEMPTS);

    assertThrows(
        RequestIntake.LaunchFailedException.class,
        () -> function.accept(PubSubDeliveries.message("371", Requests.apply("flaky-1"))));
    assertEquals(0, events.events().size());
    assertEquals(0, localJobs.executions(job).size());

    // The redelivery finds the API back and runs the job once.
    function.accept(PubSubDeliveries.message("371", Requests.apply("flaky-1")));
    assertEquals(1, localJobs.executions(job).size());
    assertFalse(events.single(AcceptedEvent.class).duplicate());
  }

  @Test
  void concurrentDeliveriesOfOneRequestAgreeOnOneExecutionAndCancelTheOthers() throws Exception {
    JobName job = newJob(LONG_RUNNING);
    int instances = 4;
    List<ProvisioningRequestFunction> functions = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      functions.add(function(job, Map.of()));
    }
    cloud.resetLog();
    CyclicBarrier barrier = new CyclicBarrier(instances);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      ProvisioningRequestFunction f = functions.get(i);
      String messageId = "38" + i;
      threads.add(
          new Thread(
              () -> {
                try {
                  barrier.await();
                  f.accept(PubSubDeliveries.message(messageId, Requests.apply("race-1")));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(30_000);
    }

    assertEquals(instances, events.events().size());
    List<String> reported =
        events.events().stream().map(e -> ((AcceptedEvent) e).execution()).distinct().toList();
    assertEquals(1, reported.size(), () -> "instances reported " + reported);
    String winner = reported.get(0);
    assertFalse(localJobs.execution(winner).hasCompletionTime());
    Set<String> cancelled =
        cloud.requestLog().stream()
            .filter(r -> r.method().equals("POST") && r.path().endsWith(":cancel"))
            .map(r -> r.path().substring("/v2/".length(), r.path().length() - ":cancel".length()))
            .collect(Collectors.toSet());
    Set<String> losers =
        localJobs.executions(job).stream()
            .map(Execution::getName)
            .filter(name -> !name.equals(winner))
            .collect(Collectors.toSet());
    // Every execution but the agreed one was cancelled by the instance that started it.
    assertEquals(losers, cancelled);
  }

  @Test
  void raceRecheckReadsOnlyExecutionsNewerThanTheFirstCheck() throws Exception {
    JobName job = newJob(QUICK);
    // No margin: the local cloud lists what it created at once, on this machine's clock.
    ProvisioningRequestFunction function = function(job, Map.of(), Duration.ZERO);
    for (int i = 0; i < 60; i++) {
      function.accept(PubSubDeliveries.message("39" + i, Requests.apply("history-" + i)));
    }
    cloud.resetLog();

    function.accept(PubSubDeliveries.message("399", Requests.apply("history-new")));

    List<String> listCalls =
        cloud.requestLog().stream()
            .filter(
                r -> r.method().equals("GET") && r.path().endsWith(job.getJob() + "/executions"))
            .map(r -> r.query())
            .toList();
    // The duplicate check reads all 61 in one page of 100; the re-check stops within its first
    // page instead of going on to the older executions on the second. (Its page is sized from the
    // previous re-checks, which each needed 2: ScanPageSize's minimum, no longer a fixed 50.)
    assertEquals(2, listCalls.size(), listCalls::toString);
    assertTrue(listCalls.get(1).contains("pageSize=" + ScanPageSize.MIN), listCalls::toString);
    assertTrue(!listCalls.get(1).matches(".*pageToken=[^&].*"), listCalls::toString);
    assertEquals(61, localJobs.executions(job).size());
  }

  private JobName newJob(String image) throws Exception {
    return localJobs.createJob("launch-test-" + JOBS.incrementAndGet(), image);
  }

  private ProvisioningRequestFunction function(JobName job, Map<String, String> extraEnv) {
    return function(job, extraEnv, CloudRunJobLauncher.DEFAULT_RECHECK_MARGIN);
  }

  private ProvisioningRequestFunction function(
      JobName job, Map<String, String> extraEnv, Duration recheckMargin) {
    Map<String, String> env = new HashMap<>();
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // Requests.apply deploys local/...
    env.putAll(extraEnv);
    return fixture.function(fixture.env(job, env), recheckMargin);
  }
}
