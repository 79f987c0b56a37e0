package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A fleet published at once through Pub/Sub → function → job on the real local parts, with 20 %
 * transient errors on every API the function and the job call and 1 task attempt in 10 killed
 * mid-run. Its own environment: the faults and the job's retries must not reach the other
 * end-to-end tests. CI runs 8 services; the bench runs 50.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetEndToEndTest {

  private static final int SERVICES = 8;

  private LocalEnvironment env;

  @BeforeAll
  void start() {
    ProjectLayout layout = ProjectLayout.locate(System.getenv());
    Path logs = layout.root().resolve("demo/target/e2e-logs/fleet");
    env =
        LocalEnvironment.start(
            LocalEnvironment.Settings.of(layout, logs, "instant", 0), line -> {});
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void fleetUnderFaultsConvergesOnceEachWithoutLosingSharedNatsOrCreatingTwice() throws Exception {
    List<FleetRun.Member> fleet = FleetRun.fleet(SERVICES);

    FleetRun.Result result = FleetRun.run(env, fleet, 0.2, 0.1, Duration.ofMinutes(5));

    String summary = FleetRun.summary(result);
    System.out.println("fleet: " + summary);
    assertEquals(
        List.of(), result.unconverged(fleet), "requests without a succeeded execution: " + summary);
    assertEquals(Map.of(), result.notExactlyOnce(), "successful executions per request");
    assertEquals(
        List.of(), result.unreported(fleet), "succeeded, but no succeeded run event arrived");
    assertEquals(result.expectedNats(), result.natsOnSharedRouters(), "NATs on shared routers");
    assertEquals(result.expectedCreates(), result.creates(), "successful creates per resource");
  }
}
