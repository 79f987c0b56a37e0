package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.events.EventSinks;
import dev.runwire.job.events.FanOutEventSink;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.cloud.EventPublishException;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.validation.RequestValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The run event is how a request's sender learns the outcome: a task whose events Pub/Sub did not
 * take republishes the run event until it is acknowledged, and exits 1 (Cloud Run runs it again)
 * when that does not happen or when step events were lost. The sink here is a small fake that
 * refuses flushes the way {@code PubSubEventSink} does (an {@link EventPublishException}, the
 * refused events gone).
 */
class EventDeliveryTest {

  private static LocalCloud cloud;

  @BeforeAll
  static void start() {
    cloud = JobRunTest.startCloud();
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @Test
  void aRunEventPubSubRefusedIsPublishedAgainUntilDelivered() {
    RefusingSink sink = new RefusingSink(0, 2);

    int code = run(sink);

    assertEquals(ExitCode.OK.code(), code);
    assertEquals(List.of(RunEvent.Outcome.SUCCEEDED), sink.deliveredRunOutcomes());
  }

  @Test
  void aRunEventNeverDeliveredExitsOneSoCloudRunRunsTheTaskAgain() {
    RefusingSink sink = new RefusingSink(0, Integer.MAX_VALUE);

    int code = run(sink);

    assertEquals(ExitCode.STEP_FAILED.code(), code);
    assertEquals(List.of(), sink.deliveredRunOutcomes());
  }

  @Test
  void lostStepEventsExitOneAndTheRunEventSaysWhy() {
    RefusingSink sink = new RefusingSink(1, 0);

    int code = run(sink);

    assertEquals(ExitCode.STEP_FAILED.code(), code);
    RunEvent run = sink.deliveredRuns().get(0);
    assertEquals(ExitCode.STEP_FAILED.code(), run.exitCode());
    assertEquals(Execution.EVENTS_NOT_DELIVERED, run.error().code());
  }

  /** A plan on the project's default network: every step succeeds, nothing is mutated. */
  private static int run(RefusingSink sink) {
    JsonObject json = TestRequests.directVpcJson(false);
    json.addProperty("mode", "plan");
    json.getAsJsonObject("target").addProperty("network", "default");
    ProvisioningRequest request = RequestValidator.standard().validate(json.toString()).request();
    JobConfig config =
        JobConfig.fromEnv(
            Map.of(
                "RUNWIRE_LOCAL_CLOUD", cloud.baseUrl(),
                "RUNWIRE_POLL_INITIAL_DELAY", "PT0.02S",
                "CLOUD_RUN_EXECUTION", "runwire-job-test"));
    JobOutput output = new JobOutput();
    return new Execution(
            config,
            new EventSinks.Chosen(new FanOutEventSink(List.of(sink)), null),
            output.errStream,
            Clock.systemUTC(),
            true,
            Duration.ofSeconds(2))
        .run(request);
  }

  /**
   * Refuses the first {@code stepFlushes} flushes without a run event pending and the first {@code
   * runFlushes} with one; a refused flush loses what was pending.
   */
  private static final class RefusingSink implements EventSink {
    private final List<RunwireEvent> pending = new ArrayList<>();
    private final List<RunwireEvent> delivered = new ArrayList<>();
    private int stepFlushes;
    private int runFlushes;

    RefusingSink(int stepFlushes, int runFlushes) {
      this.stepFlushes = stepFlushes;
      this.runFlushes = runFlushes;
    }

    @Override
    public synchronized void publish(RunwireEvent event) {
      pending.add(event);
    }

    @Override
    public synchronized void flush() {
      boolean withRun = pending.stream().anyMatch(e -> e instanceof RunEvent);
      boolean refuse = withRun ? runFlushes-- > 0 : stepFlushes-- > 0;
      if (refuse) {
        pending.clear();
        throw new EventPublishException("refused", new RuntimeException("DEADLINE_EXCEEDED"));
      }
      delivered.addAll(pending);
      pending.clear();
    }

    synchronized List<RunEvent> deliveredRuns() {
      return delivered.stream().filter(e -> e instanceof RunEvent).map(e -> (RunEvent) e).toList();
    }

    List<RunEvent.Outcome> deliveredRunOutcomes() {
      return deliveredRuns().stream().map(RunEvent::status).toList();
    }
  }
}
