package dev.runwire.bench;

import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Figure 3. N runwire-managed services (1, 10, 100, 1,000) share one Redis, connector and NAT in
 * the local cloud; one scoped drift check covers them all. The job runs as its container does, a
 * child JVM of {@code runwire-job.jar}, under {@link HeapWatch}; the local cloud counts its calls.
 * Then the same check split over 4 tasks ({@code CLOUD_RUN_TASK_INDEX}/{@code COUNT}).
 */
final class DriftScalingBench {

  private static final String LAST_APPLIED = "runwire.dev/last-applied";

  private final ResultTable table;
  private final RepoLayout repo;
  private final int[] sizes;
  private final int reps;

  DriftScalingBench(ResultTable table, RepoLayout repo, boolean quick) {
    this.table = table;
    this.repo = repo;
    this.sizes = quick ? new int[] {1, 10} : new int[] {1, 10, 100, 1000};
    this.reps = quick ? 1 : 3;
  }

  /** One check: process wall, the run's own duration, calls, peak heap, targets. */
  private record Check(
      double wallMs,
      double runMs,
      Calls calls,
      long servicePages,
      long peakHeap,
      long gcCount,
      int targets,
      int exitCode) {}

  void run() {
    Path jobJar = repo.jobJar();
    Path work = tempDir();
    try (LocalCloud cloud = LocalCloud.builder().profile("instant").start();
        CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), Duration.ofMillis(10))) {
      // The first target, wired by runwire itself; the others copy its wiring.
      seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
      seeds.service(
          BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
      Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
      env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.01S");
      InProcessJob.Result applied =
          new InProcessJob(env)
              .run("apply", BenchRequests.largest("bench-seed").toString(), Map.of());
      if (applied.exitCode() != 0) {
        throw new IllegalStateException("seeding apply failed: " + applied.failureSummary());
      }
      Service base =
          seeds
              .clients()
              .services()
              .getService(
                  "projects/"
                      + BenchRequests.PROJECT
                      + "/locations/"
                      + BenchRequests.REGION
                      + "/services/"
                      + BenchRequests.SERVICE);
      Path request = work.resolve("scoped.json");
      Files.writeString(request, BenchRequests.scopedDriftCheck("bench-sweep").toString());

      int have = 1;
      Map<Integer, List<Check>> bySize = new LinkedHashMap<>();
      for (int n : sizes) {
        have = clone(seeds, base, have, n);
        List<Check> checks = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
          checks.add(check(cloud, jobJar, request, work, 0, 1, "n" + n + "-r" + r));
        }
        bySize.put(n, checks);
      }
      int largest = sizes[sizes.length - 1];
      List<List<Check>> sharded = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        sharded.add(shards(cloud, jobJar, request, work, 4, "n" + largest + "-4tasks-r" + r));
      }
      report(bySize, largest, sharded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(work);
    }
  }

  /** Adds copies of {@code base} (wired the same way, their own name) until there are {@code n}. */
  private static int clone(CloudSeeds seeds, Service base, int have, int n) {
    if (have >= n) {
      return have;
    }
    String parent = "projects/" + BenchRequests.PROJECT + "/locations/" + BenchRequests.REGION;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (int i = have; i < n; i++) {
        String id = String.format(Locale.ROOT, "%s-%04d", BenchRequests.SERVICE, i);
        Service copy = copyOf(base, id);
        pending.add(
            pool.submit(
                () -> seeds.clients().services().createServiceAsync(parent, copy, id).get()));
      }
      for (Future<?> f : pending) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot seed services: " + e, e);
    } finally {
      pool.shutdownNow();
    }
    return n;
  }

  /**
   * The base service's spec under another name, its last-applied annotation naming that service
   * (written through the shared codec, as the job writes it).
   */
  static Service copyOf(Service base, String id) {
    JsonObject lastApplied =
        JsonParser.parseString(base.getAnnotationsOrThrow(LAST_APPLIED)).getAsJsonObject();
    lastApplied.getAsJsonObject("service").addProperty("name", id);
    String annotation =
        MessageCodec.toJson(
            MessageCodec.fromJson(lastApplied.toString(), ProvisioningRequest.class));
    Service.Builder copy = Service.newBuilder();
    copy.setTemplate(base.getTemplate().toBuilder().clearRevision())
        .putAllLabels(base.getLabelsMap())
        .putAllAnnotations(base.getAnnotationsMap())
        .putAnnotations(LAST_APPLIED, annotation)
        .setIngress(base.getIngress());
    return copy.build();
  }

  private static List<String> argv(Path jobJar, Path request, Path heapReport) {
    String benchClasses =
        Path.of(HeapWatch.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString();
    return List.of(
        ChildJvm.JAVA,
        "-cp",
        jobJar + java.io.File.pathSeparator + benchClasses,
        HeapWatch.class.getName(),
        heapReport.toString(),
        "dev.runwire.job.RunwireJob",
        "drift-check",
        request.toString());
  }

  private Check check(
      LocalCloud cloud, Path jobJar, Path request, Path work, int index, int count, String name) {
    cloud.resetLog();
    Path heap = work.resolve(name + ".heap");
    try (ChildJvm child =
        ChildJvm.start(argv(jobJar, request, heap), taskEnv(cloud, index, count), work, name)) {
      int exit = child.await(Duration.ofMinutes(3));
      long end = System.nanoTime();
      return result(cloud.requestLog(), cloud, child, exit, end, heap);
    }
  }

  private List<Check> shards(
      LocalCloud cloud, Path jobJar, Path request, Path work, int tasks, String name) {
    cloud.resetLog();
    List<ChildJvm> children = new ArrayList<>();
    List<Check> out = new ArrayList<>();
    try {
      for (int i = 0; i < tasks; i++) {
        Path heap = work.resolve(name + "-task" + i + ".heap");
        children.add(
            ChildJvm.start(
                argv(jobJar, request, heap), taskEnv(cloud, i, tasks), work, name + "-task" + i));
      }
      for (int i = 0; i < tasks; i++) {
        ChildJvm child = children.get(i);
        int exit = child.await(Duration.ofMinutes(3));
        long end = System.nanoTime();
        out.add(
            result(List.of(), null, child, exit, end, work.resolve(name + "-task" + i + ".heap")));
      }
      // Calls of all tasks together (the log does not say which task sent what).
      Calls all = Calls.of(cloud.counters());
      long pages = servicePages(cloud.requestLog());
      List<Check> withCalls = new ArrayList<>();
      for (Check c : out) {
        withCalls.add(
            new Check(
                c.wallMs(),
                c.runMs(),
                all,
                pages,
                c.peakHeap(),
                c.gcCount(),
                c.targets(),
                c.exitCode()));
      }
      return withCalls;
    } finally {
      children.forEach(ChildJvm::close);
    }
  }

  private static Map<String, String> taskEnv(LocalCloud cloud, int index, int count) {
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    env.put("CLOUD_RUN_TASK_INDEX", Integer.toString(index));
    env.put("CLOUD_RUN_TASK_COUNT", Integer.toString(count));
    env.put("CLOUD_RUN_EXECUTION", "bench-sweep-" + index);
    return env;
  }

  private static Check result(
      List<RecordedRequest> log,
      LocalCloud cloud,
      ChildJvm child,
      int exit,
      long endNanos,
      Path heap) {
    if (exit != 0 && exit != 3) {
      throw new IllegalStateException(
          "drift check exited " + exit + ": " + ChildJvm.tail(child.stderr()));
    }
    RunEvent run = null;
    for (String line : child.stdout().split("\n")) {
      if (line.contains("\"" + RunEvent.TYPE + "\"")) {
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        run = MessageCodec.fromTree(json.get("event"), RunEvent.class);
      }
    }
    Properties p = new Properties();
    try {
      p.load(Files.newBufferedReader(heap));
    } catch (IOException e) {
      throw new UncheckedIOException("no heap report from the child: " + heap, e);
    }
    return new Check(
        (endNanos - child.startedNanos()) / 1e6,
        run == null ? Double.NaN : run.durationMs(),
        cloud == null ? null : Calls.of(cloud.counters()),
        servicePages(log),
        Long.parseLong(p.getProperty("peakHeapBytes")),
        Long.parseLong(p.getProperty("gcCount")),
        run == null ? -1 : run.targets(),
        exit);
  }

  /** GETs of the services list (one per page). */
  private static long servicePages(List<RecordedRequest> log) {
    return log.stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("/services"))
        .count();
  }

  private void report(Map<Integer, List<Check>> bySize, int largest, List<List<Check>> sharded) {
    long callsAtOne = -1;
    for (var entry : bySize.entrySet()) {
      int n = entry.getKey();
      List<Check> checks = entry.getValue();
      Check first = checks.get(0);
      if (callsAtOne < 0) {
        callsAtOne = first.calls().total();
      }
      Stats run = Stats.of(checks.stream().map(Check::runMs).toList());
      Stats wall = Stats.of(checks.stream().map(Check::wallMs).toList());
      Stats heap = Stats.of(checks.stream().map(c -> (double) c.peakHeap()).toList());
      String label =
          "drift check, " + String.format(Locale.ROOT, "%,d", n) + " target" + (n == 1 ? "" : "s");
      boolean allChecked = checks.stream().allMatch(c -> c.targets() == n);
      table.add(
          "3",
          label + ": run time (job's own, excl. JVM start)",
          run,
          ResultTable::millis,
          String.format(
              Locale.ROOT,
              "%.2f ms per target; process wall %s%s",
              run.median() / n,
              ResultTable.millis(wall.median()),
              allChecked ? "" : "; targets found: " + first.targets()),
          allChecked ? Verdict.INFO : Verdict.MISSED);
      boolean fewCalls =
          n < 1000
              || first.calls().total() < n
                  && first.calls().total() <= callsAtOne + first.servicePages();
      table.addValue(
          "3",
          label + ": API calls (reads / mutations / polls)",
          first.calls().split() + " = " + first.calls().total(),
          n == 1000
              ? "grows with list pages, not targets ("
                  + first.servicePages()
                  + " services page"
                  + (first.servicePages() == 1 ? "" : "s")
                  + ")"
              : first.servicePages() + " services page" + (first.servicePages() == 1 ? "" : "s"),
          n == 1000 ? (fewCalls ? Verdict.MET : Verdict.MISSED) : Verdict.INFO);
      table.add("3", label + ": peak heap", heap, ResultTable::mib, "", Verdict.INFO);
      if (first.exitCode() == 3) {
        table.note("Figure 3: the check of " + n + " targets reported drift (exit 3).");
      }
    }
    // 4 tasks: the slowest task decides the execution's time; calls are all tasks together.
    Stats slowest =
        Stats.of(
            sharded.stream()
                .map(s -> s.stream().mapToDouble(Check::wallMs).max().orElse(0))
                .toList());
    Stats perTaskRun = Stats.of(sharded.stream().flatMap(List::stream).map(Check::runMs).toList());
    Check any = sharded.get(0).get(0);
    String perTask =
        sharded.get(0).stream()
            .map(c -> Integer.toString(c.targets()))
            .reduce((a, b) -> a + "/" + b)
            .orElse("");
    Stats heap =
        Stats.of(sharded.stream().flatMap(List::stream).map(c -> (double) c.peakHeap()).toList());
    String label =
        "drift check, " + String.format(Locale.ROOT, "%,d", largest) + " targets, 4 tasks";
    table.add(
        "3",
        label
            + ": slowest task, process wall (4 JVMs on "
            + Runtime.getRuntime().availableProcessors()
            + " cores)",
        slowest,
        ResultTable::millis,
        "targets per task "
            + perTask
            + "; each task's run time "
            + ResultTable.millis(perTaskRun.median()),
        Verdict.INFO);
    table.addValue(
        "3",
        label + ": API calls, all tasks (reads / mutations / polls)",
        any.calls().split() + " = " + any.calls().total(),
        "each task lists once: ≈ 4 × the 1-task calls",
        Verdict.INFO);
    table.add("3", label + ": peak heap per task", heap, ResultTable::mib, "", Verdict.INFO);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runwire-bench-drift-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
