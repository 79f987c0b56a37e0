package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A resource changed out of band (the local cloud's admin endpoint, as a person with the console
 * would) is reported by a drift check naming exactly that field, and the next apply puts it back.
 */
@ExtendWith(SharedEnvironment.class)
class DriftEndToEndTest {

  @Test
  void outOfBandRedisResizeIsReportedByDriftCheckAndFixedByApply(LocalEnvironment env)
      throws Exception {
    JsonObject apply = Scenario.directVpc("e2e-drift", "10.10.2.0/26");
    env.deployService("runwire-demo", "us-central1", "e2e-drift", LocalEnvironment.SAMPLE_IMAGE);
    assertEquals(RunEvent.Outcome.SUCCEEDED, Scenario.runEvent(Scenario.run(env, apply)).status());

    env.cloud()
        .changeOutOfBand(
            "projects/runwire-demo/locations/us-central1/instances/e2e-drift-redis",
            "{\"memorySizeGb\":5}");

    env.cloud().resetLog();
    JsonObject check = Scenario.withMode(apply, "drift-check");
    RequestTracker drift = Scenario.run(env, check);
    assertEquals(RunEvent.Outcome.DRIFTED, Scenario.runEvent(drift).status());
    Map<String, List<StepEvent>> steps = Scenario.stepsOf(drift);
    steps.forEach(
        (step, events) -> {
          StepEvent end = events.get(events.size() - 1);
          if (step.equals("redis-instance")) {
            assertEquals(StepEvent.Status.DRIFTED, end.status());
            assertEquals(List.of("memorySizeGb"), end.diff().stream().map(d -> d.field()).toList());
            assertEquals("5", end.diff().get(0).actual());
            assertEquals("1", end.diff().get(0).desired());
          } else {
            assertEquals(StepEvent.Status.SUCCEEDED, end.status(), step + ": " + end);
          }
        });
    assertEquals(1, Scenario.mutations(env).size(), "a drift check only runs the job");

    RequestTracker fix = Scenario.run(env, Scenario.withMode(apply, "apply"));
    assertEquals(RunEvent.Outcome.SUCCEEDED, Scenario.runEvent(fix).status());
    StepEvent redis = lastOf(Scenario.stepsOf(fix), "redis-instance");
    assertEquals(StepEvent.Action.UPDATE, redis.action());

    RequestTracker clean = Scenario.run(env, Scenario.withMode(apply, "drift-check"));
    assertEquals(RunEvent.Outcome.SUCCEEDED, Scenario.runEvent(clean).status());
  }

  private static StepEvent lastOf(Map<String, List<StepEvent>> steps, String step) {
    List<StepEvent> events = steps.get(step);
    return events.get(events.size() - 1);
  }
}
