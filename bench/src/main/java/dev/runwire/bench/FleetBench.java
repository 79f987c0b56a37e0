package dev.runwire.bench;

import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.demo.FleetMeasure;
import java.time.Duration;
import java.util.Locale;

/**
 * Figure 7. A fleet at once on the real local parts (Pub/Sub emulator → function in the invoker →
 * job as child JVMs): 50 services over 5 projects, two per project sharing a network and a router
 * name, 20 % transient errors on every API the function and the job call, 1 task attempt in 10
 * killed mid-run. CI runs the same with 8 services (FleetEndToEndTest).
 */
final class FleetBench {

  static final double FAULT_RATE = 0.2;
  static final double KILL_RATE = 0.1;

  private final ResultTable table;
  private final int services;

  FleetBench(ResultTable table, boolean quick) {
    this.table = table;
    this.services = quick ? 10 : 50;
  }

  void run() {
    FleetMeasure.Outcome o;
    try {
      o = FleetMeasure.run(services, FAULT_RATE, KILL_RATE, Duration.ofMinutes(20));
    } catch (Exception e) {
      throw new IllegalStateException("fleet run failed: " + e, e);
    }
    String label = "fleet of " + o.requests() + " (20% API faults, 1 in 10 tasks killed)";
    boolean converged = o.unconverged().isEmpty() && o.unreported().isEmpty();
    table.addValue(
        "7",
        label + ": wall time, publish → every run event",
        ResultTable.millis(o.wall().toMillis()),
        o.executions() + " executions",
        Verdict.INFO);
    table.addValue(
        "7",
        label + ": every request converged and reported",
        converged ? "yes" : "no",
        "not converged " + o.unconverged() + ", no run event " + o.unreported(),
        converged ? Verdict.MET : Verdict.MISSED);
    table.addValue(
        "7",
        label
            + ": exactly one successful execution per request, nothing created twice, no NAT"
            + " lost",
        o.notExactlyOnce() == 0 && o.createdOnce() && o.natsKept() ? "yes" : "no",
        o.notExactlyOnce()
            + " requests not exactly once; creates as expected "
            + o.createdOnce()
            + "; NATs on shared routers kept "
            + o.natsKept(),
        o.notExactlyOnce() == 0 && o.createdOnce() && o.natsKept() ? Verdict.MET : Verdict.MISSED);
    table.addValue(
        "7",
        label + ": API calls per request (local cloud, faulted ones included)",
        String.format(Locale.ROOT, "%.1f", o.apiCallsPerRequest()),
        "",
        Verdict.INFO);
    table.addValue(
        "7",
        label + ": task retries / tasks killed / function redeliveries",
        o.retriedTasks() + " / " + o.killedTasks() + " / " + o.functionRedeliveries(),
        "",
        Verdict.INFO);
    table.addValue(
        "7",
        label + ": peak heap of the JVM holding the local cloud",
        (o.peakHeapBytes() / (1024 * 1024)) + " MiB",
        "sampled every 100 ms",
        Verdict.INFO);
    table.addValue("7", label + ": the machine meanwhile", o.machine(), "", Verdict.INFO);
  }
}
