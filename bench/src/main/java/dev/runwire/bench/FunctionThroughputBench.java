package dev.runwire.bench;

import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.processes.FreePorts;
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
      int port = FreePorts.pick();
      try (ChildJvm invoker =
          ChildJvm.start(
              FunctionSetup.argv(List.of(), repo.invokerJar(), repo.functionJar(), port),
              FunctionSetup.env(cloud, jobName),
              work,
              "invoker")) {
        invoker.awaitPort(port, Duration.ofSeconds(60));
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
            "Figure 5: the function lists the job's executions (100 per page, up to 2,000) before"
                + " jobs:run and again after it (its idempotency check), so every event costs more"
                + " as the job's history grows; by the end the job had "
                + (warmUp + 2 * requests)
                + " executions. Concurrency 1: "
                + perEvent(oneLog, requests)
                + ". Concurrency 4: "
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
    // List pages between one jobs:run and the next: the previous event's re-check and this one's
    // check. At concurrency 1 the segments are exactly per event.
    List<Integer> segments = new ArrayList<>();
    int pages = 0;
    for (RecordedRequest r : log) {
      if (r.path().endsWith(":run")) {
        segments.add(pages);
        pages = 0;
      } else if (r.path().endsWith("/executions") && r.method().equals("GET")) {
        pages++;
      }
    }
    int k = Math.min(20, segments.size() / 2);
    String trend =
        k == 0
            ? ""
            : String.format(
                Locale.ROOT,
                ", %.1f list pages per event over the first %d events and %.1f over the last %d",
                segments.subList(0, k).stream().mapToInt(Integer::intValue).average().orElse(0),
                k,
                segments.subList(segments.size() - k, segments.size()).stream()
                    .mapToInt(Integer::intValue)
                    .average()
                    .orElse(0),
                k);
    return String.format(
        Locale.ROOT,
        "%.1f executions-list pages and %.2f jobs:run per event%s; %.1f ms per event answering"
            + " them in the local cloud (median %s per list page, %s per jobs:run)",
        (double) lists / events,
        (double) runs / events,
        trend,
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

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runwire-bench-function-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
