package dev.runwire.bench;

import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 5. The function in the real invoker, warmed up, delivering valid requests (each its own
 * requestId) to {@code jobs:run} on the local cloud: requests per second and latency percentiles at
 * concurrency 1 and 4. Every delivered event is one execution of the job (which runs {@code
 * /bin/true}), so the job's execution list grows as the run goes on, as it does in production.
 */
final class FunctionThroughputBench {

  private final ResultTable table;
  private final RepoLayout repo;
  private final int requests;
  private final int warmUp;

  FunctionThroughputBench(ResultTable table, RepoLayout repo, boolean quick) {
    this.table = table;
    this.repo = repo;
    this.requests = quick ? 40 : 300;
    this.warmUp = quick ? 10 : 50;
  }

  private record Round(int concurrency, double seconds, List<Double> latencies, int failures) {}

  void run() {
    Path work = tempDir();
    try (LocalCloud cloud = FunctionSetup.cloud().start()) {
      String jobName = FunctionSetup.createJob(cloud);
      int port = FunctionSetup.freePort();
      try (ChildJvm invoker =
          ChildJvm.start(
              FunctionSetup.argv(List.of(), repo.invokerJar(), repo.functionJar(), port),
              FunctionSetup.env(cloud, jobName),
              work,
              "invoker")) {
        awaitPort(invoker, port);
        EventarcPush push = new EventarcPush(port);
        AtomicInteger ids = new AtomicInteger();
        round(push, ids, 1, warmUp); // warm-up, not counted
        cloud.resetLog();
        Round one = round(push, ids, 1, requests);
        List<RecordedRequest> oneLog = cloud.requestLog();
        cloud.resetLog();
        Round four = round(push, ids, 4, requests);
        List<RecordedRequest> fourLog = cloud.requestLog();
        report(one, oneLog);
        report(four, fourLog);
        table.note(
            "Figure 5: every event lists the job's executions before jobs:run (idempotency), 100 per"
                + " page; after "
                + (warmUp + 2 * requests)
                + " events the job had as many executions, so late events list more pages. Run"
                + " calls per event, first round: "
                + perEvent(oneLog, requests)
                + "; second round: "
                + perEvent(fourLog, requests)
                + ".");
      }
    } finally {
      DriftScalingBench.deleteTree(work);
    }
  }

  private static String perEvent(List<RecordedRequest> log, int events) {
    long lists =
        log.stream()
            .filter(r -> r.path().endsWith("/executions") && r.method().equals("GET"))
            .count();
    long runs = log.stream().filter(r -> r.path().endsWith(":run")).count();
    double serverMs = log.stream().mapToLong(r -> r.duration().toNanos()).sum() / 1e6;
    return String.format(
        Locale.ROOT,
        "%.1f executions-list pages, %.2f jobs:run, %.1f ms answering them in the local cloud"
            + " (median %s per list page, %s per jobs:run)",
        (double) lists / events,
        (double) runs / events,
        serverMs / events,
        medianMs(log, r -> r.path().endsWith("/executions")),
        medianMs(log, r -> r.path().endsWith(":run")));
  }

  private static String medianMs(
      List<RecordedRequest> log, java.util.function.Predicate<RecordedRequest> which) {
    List<Double> ms = log.stream().filter(which).map(r -> r.duration().toNanos() / 1e6).toList();
    return ms.isEmpty() ? "?" : String.format(Locale.ROOT, "%.1f ms", Stats.of(ms).median());
  }

  private Round round(EventarcPush push, AtomicInteger ids, int concurrency, int count) {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(count);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        workers.add(
            pool.submit(
                () -> {
                  while (left.getAndDecrement() > 0) {
                    String id = "bench-throughput-" + ids.incrementAndGet();
                    long s = System.nanoTime();
                    try {
                      int status = push.deliver(id, FunctionSetup.request(id));
                      if (status / 100 != 2) {
                        failures.incrementAndGet();
                      }
                    } catch (IOException e) {
                      failures.incrementAndGet();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    latencies.add((System.nanoTime() - s) / 1e6);
                  }
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("throughput round failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Round(concurrency, seconds, List.copyOf(latencies), failures.get());
  }

  private void report(Round r, List<RecordedRequest> log) {
    Stats latency = Stats.of(r.latencies());
    String label = "function → jobs:run, concurrency " + r.concurrency();
    table.addValue(
        "5",
        label + ": throughput",
        ResultTable.perSecond(r.latencies().size() / r.seconds()),
        r.latencies().size()
            + " events"
            + (r.failures() > 0 ? ", " + r.failures() + " not 2xx" : ", all 2xx"),
        r.failures() == 0 ? Verdict.INFO : Verdict.MISSED);
    table.addValue(
        "5",
        label + ": latency p50 / p99",
        ResultTable.millis(latency.percentile(0.5))
            + " / "
            + ResultTable.millis(latency.percentile(0.99)),
        "max " + ResultTable.millis(latency.max()),
        Verdict.INFO);
  }

  private static void awaitPort(ChildJvm invoker, int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!invoker.isAlive()) {
        throw new IllegalStateException("the invoker exited: " + ChildJvm.tail(invoker.stderr()));
      }
      if (FreePort.accepts(port)) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the invoker did not listen within 60 s");
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runwire-bench-function-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
