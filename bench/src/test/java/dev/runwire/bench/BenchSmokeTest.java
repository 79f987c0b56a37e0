package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.engine.DagPlanner;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness end to end on the instant profile: seeds, the job's own runner in process, its events
 * read back, the local cloud's counters. The benchmark itself is a main, not a test.
 */
class BenchSmokeTest {

  @Test
  void anApplyIsTimedStepByStepAndASecondApplyCountsNoMutation() {
    String request = BenchRequests.largest("smoke").toString();
    int planned =
        DagPlanner.plan(MessageCodec.fromJson(request, ProvisioningRequest.class)).nodes().size();
    try (LocalCloud cloud = ProbeImage.mapped(LocalCloud.builder().profile("instant")).start();
        CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), Duration.ofMillis(10))) {
      seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
      seeds.service(
          BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
      Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
      env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.01S");
      InProcessJob job = new InProcessJob(env);

      InProcessJob.Result first = job.run("apply", request, Map.of());

      assertEquals(0, first.exitCode(), first.failureSummary());
      assertEquals(planned, first.endedSteps().size());
      assertTrue(first.stepSpan().compareTo(first.wall()) <= 0);
      assertTrue(first.run() != null && first.run().exitCode() == 0);

      cloud.resetLog();
      InProcessJob.Result second = job.run("apply", request, Map.of());
      Calls calls = Calls.of(cloud.counters());

      assertEquals(0, second.exitCode(), second.failureSummary());
      // The only mutating call: verify starts the probe job's execution, which changes nothing.
      assertEquals(
          List.of("POST " + ProbeImage.probeRun(BenchRequests.SERVICE)),
          cloud.requestLog().stream()
              .filter(r -> r.isMutation())
              .map(r -> r.method() + " " + r.path().replaceAll(".*/jobs/", ""))
              .toList(),
          calls.perApiText());
      assertTrue(calls.reads() > 0, calls.perApiText());
    }
  }
}
