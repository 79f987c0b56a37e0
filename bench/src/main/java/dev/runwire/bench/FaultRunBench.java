package dev.runwire.bench;

import static dev.runwire.bench.ResultTable.count;
import static dev.runwire.bench.ResultTable.millis;

import com.google.gson.JsonObject;
import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.Faults;
import dev.runwire.emulator.core.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 6: applies from scratch of the largest request while the local cloud answers 20% of the
 * requests to every API with a transient error (429 or 503; Compute's 403 rateLimitExceeded),
 * seeded so a run is repeatable. Every apply must converge; the figure counts the retried calls
 * (one per faulted answer) and the wall time they added over clean applies of the same request.
 */
final class FaultRunBench {

  static final double FAULT_RATE = 0.2;
  static final long SEED = 14;

  private final ResultTable table;
  private final int applies;
  private final int cleanApplies;

  FaultRunBench(ResultTable table, boolean quick) {
    this.table = table;
    this.applies = quick ? 5 : 20;
    this.cleanApplies = quick ? 2 : 5;
  }

  /** One faulted apply: did it converge, how long, how many faulted answers it retried. */
  private record Run(boolean converged, double wallMs, int retried, int calls, String failure) {}

  void run() {
    JsonObject json = BenchRequests.largest("bench-faults");
    LocalCloud.Builder builder = LocalCloud.builder().profile("scaled:" + OperationDurations.SCALE);
    OperationDurations.overrides().forEach(builder::duration);
    ProbeImage.mapped(builder);
    List<Double> clean = new ArrayList<>();
    List<Run> faulted = new ArrayList<>();
    try (LocalCloud cloud = builder.start();
        CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), OperationDurations.POLL_INITIAL_DELAY)) {
      Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
      env.put("RUNWIRE_POLL_INITIAL_DELAY", OperationDurations.POLL_INITIAL_DELAY.toString());
      InProcessJob job = new InProcessJob(env);

      // Warm-up (not counted), then clean applies from scratch for the baseline.
      for (int i = 0; i <= cleanApplies; i++) {
        seed(cloud, seeds);
        InProcessJob.Result result = job.run("apply", json.toString(), Map.of());
        if (result.exitCode() != 0) {
          throw new IllegalStateException("clean apply failed: " + result.failureSummary());
        }
        if (i > 0) {
          clean.add(result.wall().toNanos() / 1e6);
        }
      }
      cloud.faults().reseed(SEED);
      for (int i = 0; i < applies; i++) {
        seed(cloud, seeds);
        cloud.resetLog();
        cloud.faults().errorRate(Faults.ALL, FAULT_RATE);
        InProcessJob.Result result = job.run("apply", json.toString(), Map.of());
        cloud.faults().errorRate(Faults.ALL, 0);
        List<RecordedRequest> log = cloud.requestLog();
        int retried = (int) log.stream().filter(FaultRunBench::transientAnswer).count();
        faulted.add(
            new Run(
                result.exitCode() == 0,
                result.wall().toNanos() / 1e6,
                retried,
                log.size(),
                result.exitCode() == 0 ? "" : result.failureSummary()));
      }
    }
    report(Stats.of(clean), faulted);
  }

  private static boolean transientAnswer(RecordedRequest r) {
    return r.status() == 429 || r.status() == 503 || r.status() == 403;
  }

  /** A fresh cloud holding only what the request expects to find (network, deployed service). */
  private static void seed(LocalCloud cloud, CloudSeeds seeds) {
    cloud.reset();
    cloud.faults().errorRate(Faults.ALL, 0);
    seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
    seeds.service(
        BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
  }

  private void report(Stats clean, List<Run> runs) {
    long converged = runs.stream().filter(Run::converged).count();
    Stats wall = Stats.of(runs.stream().map(Run::wallMs).toList());
    Stats retried = Stats.of(runs.stream().map(Run::retried).toList());
    Stats calls = Stats.of(runs.stream().map(Run::calls).toList());
    Stats added = Stats.of(runs.stream().map(r -> r.wallMs() - clean.median()).toList());
    String label = String.format(java.util.Locale.ROOT, "%.0f%%", FAULT_RATE * 100);
    table.addValue(
        "6",
        "applies from scratch converged with " + label + " transient faults on every API",
        converged + " / " + runs.size(),
        "all",
        converged == runs.size() ? Verdict.MET : Verdict.MISSED);
    table.add(
        "6",
        "retried calls per apply (one per faulted answer)",
        retried,
        ResultTable::count,
        "",
        Verdict.INFO);
    table.add(
        "6",
        "API calls per faulted apply (with retries)",
        calls,
        ResultTable::count,
        "",
        Verdict.INFO);
    table.add("6", "clean apply from scratch, wall", clean, ResultTable::millis, "", Verdict.INFO);
    table.add("6", "faulted apply from scratch, wall", wall, ResultTable::millis, "", Verdict.INFO);
    table.add(
        "6",
        "time the retries added (faulted wall − clean median)",
        added,
        ResultTable::signedMillis,
        "",
        Verdict.INFO);
    table.note(
        "Figure 6: seed "
            + SEED
            + ", "
            + runs.stream().mapToInt(Run::retried).sum()
            + " faulted answers retried over "
            + runs.size()
            + " applies; "
            + count(runs.stream().mapToInt(Run::retried).sum() / (double) runs.size())
            + " per apply, adding "
            + millis(added.median())
            + " (median) to a clean "
            + millis(clean.median())
            + ".");
    runs.stream()
        .filter(r -> !r.converged())
        .forEach(r -> table.note("Figure 6: an apply did not converge: " + r.failure()));
  }
}
