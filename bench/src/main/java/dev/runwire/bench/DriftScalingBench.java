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
import dev.runwire.schemas.events.StepEvent;
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
 * child JVM of {@code runwire-job.jar} (under {@link HeapWatch}, with the 128 MiB heap a 512 MiB
 * Cloud Run task gets by default); the local cloud counts its calls. Then the same check split over
 * 4 tasks ({@code CLOUD_RUN_TASK_INDEX}/{@code COUNT}), run one after another here, since on Cloud
 * Run every task has its own CPU.
 */
final class DriftScalingBench {

  private static final String LAST_APPLIED = "runwire.dev/last-applied";

  /** A 512 MiB Cloud Run task's JVM gets a quarter of it as its default maximum heap. */
  static final String TASK_HEAP = "-Xmx128m";

  /** Half of that, to show the check of the most targets does not need more. */
  static final String SMALL_HEAP = "-Xmx64m";

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

  /** One check by one task. */
  private record Check(
      double wallMs,
      double runMs,
      Calls calls,
      long servicePages,
      long peakHeap,
      long peakLive,
      int targets,
      int exitCode,
      String firstDrift) {}

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
      List<Check> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(check(cloud, jobJar, request, work, i, 4, "n" + largest + "-task" + i));
      }
      Check small = check(cloud, jobJar, request, work, 0, 1, "n" + largest + "-small", SMALL_HEAP);
      report(bySize, largest, tasks, small);
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

  private static List<String> argv(Path jobJar, Path request, Path heapReport, String heap) {
    String benchClasses =
        Path.of(HeapWatch.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString();
    return List.of(
        ChildJvm.JAVA,
        heap,
        "-cp",
        jobJar + java.io.File.pathSeparator + benchClasses,
        HeapWatch.class.getName(),
        heapReport.toString(),
        "dev.runwire.job.RunwireJob",
        "drift-check",
        request.toString());
  }

  private static Check check(
      LocalCloud cloud, Path jobJar, Path request, Path work, int index, int count, String name) {
    return check(cloud, jobJar, request, work, index, count, name, TASK_HEAP);
  }

  private static Check check(
      LocalCloud cloud,
      Path jobJar,
      Path request,
      Path work,
      int index,
      int count,
      String name,
      String heapFlag) {
    cloud.resetLog();
    Path heap = work.resolve(name + ".heap");
    try (ChildJvm child =
        ChildJvm.start(
            argv(jobJar, request, heap, heapFlag), taskEnv(cloud, index, count), work, name)) {
      int exit = child.await(Duration.ofMinutes(3));
      double wall = (System.nanoTime() - child.startedNanos()) / 1e6;
      if (exit != 0 && exit != 3) {
        throw new IllegalStateException(
            "drift check exited " + exit + ": " + ChildJvm.tail(child.stderr()));
      }
      RunEvent run = null;
      String firstDrift = null;
      for (String line : child.stdout().split("\n")) {
        if (line.contains("\"" + RunEvent.TYPE + "\"")) {
          JsonObject json = JsonParser.parseString(line).getAsJsonObject();
          run = MessageCodec.fromTree(json.get("event"), RunEvent.class);
        } else if (firstDrift == null && line.contains("\"drifted\"")) {
          JsonObject json = JsonParser.parseString(line).getAsJsonObject();
          StepEvent e = MessageCodec.fromTree(json.get("event"), StepEvent.class);
          if (e.status() == StepEvent.Status.DRIFTED) {
            firstDrift = e.target().service() + " " + e.step() + " " + e.diff();
          }
        }
      }
      Properties p = new Properties();
      try (var reader = Files.newBufferedReader(heap)) {
        p.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("no heap report from the child: " + heap, e);
      }
      List<RecordedRequest> log = cloud.requestLog();
      return new Check(
          wall,
          run == null ? Double.NaN : run.durationMs(),
          Calls.of(cloud.counters()),
          servicePages(log),
          Long.parseLong(p.getProperty("peakHeapBytes")),
          Long.parseLong(p.getProperty("peakLiveBytes")),
          run == null ? -1 : run.targets(),
          exit,
          firstDrift);
    }
  }

  private static Map<String, String> taskEnv(LocalCloud cloud, int index, int count) {
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    env.put("CLOUD_RUN_TASK_INDEX", Integer.toString(index));
    env.put("CLOUD_RUN_TASK_COUNT", Integer.toString(count));
    env.put("CLOUD_RUN_EXECUTION", "bench-sweep");
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // the bench deploys local/ images
    return env;
  }

  /** GETs of the services list (one per page). */
  private static long servicePages(List<RecordedRequest> log) {
    return log.stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("/services"))
        .count();
  }

  private void report(
      Map<Integer, List<Check>> bySize, int largest, List<Check> tasks, Check small) {
    long callsAtOne = bySize.values().iterator().next().get(0).calls().total();
    for (var entry : bySize.entrySet()) {
      int n = entry.getKey();
      List<Check> checks = entry.getValue();
      Check first = checks.get(0);
      Stats run = Stats.of(checks.stream().map(Check::runMs).toList());
      Stats wall = Stats.of(checks.stream().map(Check::wallMs).toList());
      String label = "drift check, " + String.format(Locale.ROOT, "%,d", n) + " target";
      label += n == 1 ? "" : "s";
      boolean allChecked = checks.stream().allMatch(c -> c.targets() == n && c.exitCode() == 0);
      table.add(
          "3",
          label + ": run time (the job's own, JVM start excluded)",
          run,
          ResultTable::millis,
          String.format(
              Locale.ROOT,
              "%.1f ms per target; process wall %s%s",
              run.median() / n,
              ResultTable.millis(wall.median()),
              allChecked
                  ? ""
                  : "; targets checked " + first.targets() + ", exit " + first.exitCode()),
          allChecked ? Verdict.INFO : Verdict.MISSED);
      boolean fewCalls =
          first.calls().total() < n
              && first.calls().total() <= callsAtOne + first.servicePages() - 1;
      table.addRow(
          "3",
          label + ": API calls (reads / mutations / polls)",
          first.calls().split(),
          "",
          "",
          checks.size(),
          first.servicePages()
              + " services list page"
              + (first.servicePages() == 1 ? "" : "s")
              + (n == 1000 ? "; target: grows with pages, not targets" : ""),
          n == 1000 ? (fewCalls ? Verdict.MET : Verdict.MISSED) : Verdict.INFO);
      heapRow(label, checks);
      if (first.firstDrift() != null) {
        table.note(
            "Figure 3: the check of " + n + " targets reported drift, e.g. " + first.firstDrift());
      }
    }
    String label =
        "drift check, " + String.format(Locale.ROOT, "%,d", largest) + " targets over 4 tasks";
    Stats taskRun = Stats.of(tasks.stream().map(Check::runMs).toList());
    Stats taskWall = Stats.of(tasks.stream().map(Check::wallMs).toList());
    String perTask =
        String.join(" / ", tasks.stream().map(c -> Integer.toString(c.targets())).toList());
    table.add(
        "3",
        label + ": each task's run time (one task per CPU, as on Cloud Run)",
        taskRun,
        ResultTable::millis,
        "targets per task "
            + perTask
            + "; slowest task's process wall "
            + ResultTable.millis(taskWall.max()),
        tasks.stream().allMatch(c -> c.exitCode() == 0) ? Verdict.INFO : Verdict.MISSED);
    Stats taskCalls = Stats.of(tasks.stream().map(c -> c.calls().total()).toList());
    table.addRow(
        "3",
        label + ": API calls per task (reads / mutations / polls)",
        tasks.get(0).calls().split(),
        ResultTable.count(taskCalls.min()),
        ResultTable.count(taskCalls.max()),
        tasks.size(),
        "every task lists for itself: "
            + ResultTable.count(taskCalls.median() * tasks.size())
            + " in all",
        Verdict.INFO);
    heapRow(label + ", per task", tasks);
    table.addValue(
        "3",
        "drift check, "
            + String.format(Locale.ROOT, "%,d", largest)
            + " targets in half the heap ("
            + SMALL_HEAP
            + "): run time",
        ResultTable.millis(small.runMs()),
        small.exitCode() == 0 && small.targets() == largest
            ? "all " + small.targets() + " checked; memory stays bounded"
            : "exit " + small.exitCode() + ", " + small.targets() + " checked",
        small.exitCode() == 0 && small.targets() == largest ? Verdict.MET : Verdict.MISSED);
  }

  private void heapRow(String label, List<Check> checks) {
    Stats peak = Stats.of(checks.stream().map(c -> (double) c.peakHeap()).toList());
    Stats live = Stats.of(checks.stream().map(c -> (double) c.peakLive()).toList());
    table.add(
        "3",
        label + ": peak heap in use (" + TASK_HEAP + ")",
        peak,
        ResultTable::mib,
        "most still live after a GC: " + ResultTable.mib(live.median()),
        Verdict.INFO);
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
