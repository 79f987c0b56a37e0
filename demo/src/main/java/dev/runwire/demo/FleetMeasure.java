package dev.runwire.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The fleet run ({@link FleetRun}) in its own local environment, for the bench: {@code n} services
 * over five projects published at once, with transient faults on every API and task attempts killed
 * mid-run, and what a platform team would check afterwards.
 */
public final class FleetMeasure {

  private FleetMeasure() {}

  /** What the bench reports. */
  public record Outcome(
      int requests,
      Duration wall,
      int executions,
      double apiCallsPerRequest,
      long retriedTasks,
      long killedTasks,
      long functionRedeliveries,
      long peakHeapBytes,
      List<String> unconverged,
      List<String> unreported,
      int notExactlyOnce,
      boolean natsKept,
      boolean createdOnce,
      String machine) {}

  public static Outcome run(int services, double faultRate, double killRate, Duration timeout)
      throws Exception {
    ProjectLayout layout = ProjectLayout.locate(System.getenv());
    Path logs = layout.root().resolve("bench/target/fleet-logs");
    try (LocalEnvironment env =
        LocalEnvironment.start(
            LocalEnvironment.Settings.of(layout, logs, "instant", 0), line -> {})) {
      List<FleetRun.Member> fleet = FleetRun.fleet(services);
      FleetRun.Result r;
      MachineLoad.Seen machine;
      try (MachineLoad load = new MachineLoad(env.cloud().port())) {
        r = FleetRun.run(env, fleet, faultRate, killRate, timeout);
        machine = load.seen();
      }
      return new Outcome(
          r.requests(),
          r.wall(),
          r.executions(),
          (double) r.apiCalls() / r.requests(),
          r.retriedTasks(),
          r.killedTasks(),
          r.redeliveries(),
          r.peakHeapBytes(),
          r.unconverged(fleet),
          r.unreported(fleet),
          r.notExactlyOnce().size(),
          r.expectedNats().equals(r.natsOnSharedRouters()),
          r.expectedCreates().equals(r.creates()),
          machine.describe());
    }
  }
}
