package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.job.progress.ProgressBoard;
import dev.runwire.job.progress.ProgressTable;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannedStepsTest {

  static String defaultRequest() throws Exception {
    return Files.readString(ProjectLayout.locate(Map.of()).defaultRequest());
  }

  @Test
  void defaultRequestPlansEveryStepWithItsDepth() throws Exception {
    Map<String, Integer> steps = PlannedSteps.of(defaultRequest());
    assertEquals(0, steps.get("network"));
    assertEquals(1, steps.get("redis-instance"));
    assertEquals(2, steps.get("redis-auth-secret"));
    assertEquals(3, steps.get("redis-auth-access"));
    assertEquals(0, steps.get("static-address"));
    assertTrue(steps.get("cloud-nat") > steps.get("cloud-router"));
    // verify runs the probe job, which copies the service's network settings.
    assertEquals(steps.get("cloud-run-service") + 1, steps.get("probe-job"));
    assertEquals(steps.get("probe-job") + 1, steps.get("verify"));
    assertEquals("verify", List.copyOf(steps.keySet()).get(steps.size() - 1));
  }

  @Test
  void invalidRequestPlansNothing() {
    assertEquals(Map.of(), PlannedSteps.of("{\"requestId\":\"x\"}"));
    assertEquals(Map.of(), PlannedSteps.of("not json"));
  }

  @Test
  void plannedStepsWaitIndentedByDepthUntilTheyStart() throws Exception {
    ProgressBoard board = new ProgressBoard("req-1", Instant.EPOCH);
    board.expect(PlannedSteps.of(defaultRequest()));
    List<String> lines =
        new ProgressTable(ProgressTable.Style.PLAIN).render(board, Instant.EPOCH.plusSeconds(1));
    String network = lines.stream().filter(l -> l.contains("network")).findFirst().orElseThrow();
    String redis =
        lines.stream().filter(l -> l.contains("redis-instance")).findFirst().orElseThrow();
    assertTrue(network.contains("waiting"), network);
    assertEquals(network.indexOf("network") + 2, redis.indexOf("redis-instance"));
  }
}
