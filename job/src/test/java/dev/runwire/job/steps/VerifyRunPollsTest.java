package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.PROBE_JOB;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.emulator.core.RequestKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.testing.Scenarios;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verify reads the execution's name from the jobs:run answer (the RunJob operation's metadata is
 * the Execution, job.proto {@code operation_info.metadata_type}) and then reads the execution
 * itself: nothing polls the run operation, in the step or behind it.
 */
class VerifyRunPollsTest {

  @RegisterExtension static final CloudHarness harness = new CloudHarness();

  @Test
  void verifyNeverPollsTheRunOperation() throws Exception {
    StepOutcome verify =
        harness
            .runSteps(
                Scenarios.onDefaultNetwork("apply", json -> {}),
                REDIS_INSTANCE,
                CLOUD_RUN_SERVICE,
                PROBE_JOB,
                VERIFY)
            .outcome(VERIFY);
    assertEquals(Status.SUCCEEDED, verify.status(), verify::message);
    // Long enough for any poll left running in the background to show up in the log.
    Thread.sleep(1_500);

    List<RecordedRequest> log = harness.cloud.requestLog();
    int run = -1;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).path().endsWith(":run")) {
        run = i;
      }
    }
    assertTrue(run >= 0, "verify started no execution");
    // Nothing after verify's jobs:run waits on a long-running operation but the run's own.
    List<RecordedRequest> polls =
        log.subList(run + 1, log.size()).stream()
            .filter(r -> r.kind() == RequestKind.POLL)
            .toList();
    assertEquals(List.of(), polls.stream().map(RecordedRequest::path).toList());
  }
}
