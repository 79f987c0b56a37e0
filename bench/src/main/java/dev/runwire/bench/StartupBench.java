package dev.runwire.bench;

import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 4. Child JVMs, timed from just before the process starts: a bare {@code java -version};
 * the job ({@code java -jar runwire-job.jar plan ...}) until its first API request reaches the
 * local cloud (its request log has the time); the function invoker until the first delivered event
 * is answered. Each with the JVM's defaults, with AppCDS (an archive dumped by one training run
 * with {@code -XX:ArchiveClassesAtExit}), with {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC},
 * and with both. Variants alternate within each repetition so drift on the machine hits all alike.
 */
final class StartupBench {

  /** JVM flags of one variant; {@code %s} stands for the archive. */
  private record Variant(String name, boolean cds, List<String> flags) {}

  private static final List<String> C1_SERIAL =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("defaults", false, List.of()),
          new Variant("AppCDS", true, List.of()),
          new Variant("C1 + SerialGC", false, C1_SERIAL),
          new Variant("AppCDS + C1 + SerialGC", true, C1_SERIAL));

  private final ResultTable table;
  private final RepoLayout repo;
  private final int reps;

  StartupBench(ResultTable table, RepoLayout repo, int reps) {
    this.table = table;
    this.repo = repo;
    this.reps = reps;
  }

  void run() {
    Path jobJar = repo.jobJar();
    Path functionJar = repo.functionJar();
    Path invokerJar = repo.invokerJar();
    Path work = tempDir();
    try (LocalCloud cloud = FunctionSetup.cloud().start();
        CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), Duration.ofMillis(10))) {
      seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
      seeds.service(
          BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
      String jobName = FunctionSetup.createJob(cloud);
      Path request = work.resolve("plan.json");
      Files.writeString(request, BenchRequests.largest("bench-startup").toString());

      Path jobArchive = work.resolve("job.jsa");
      Path functionArchive = work.resolve("function.jsa");
      // Training runs: the archive holds the classes these runs loaded.
      jobToFirstRequest(
          cloud,
          jobJar,
          request,
          List.of("-XX:ArchiveClassesAtExit=" + jobArchive),
          work,
          "train-job");
      functionToFirstServed(
          cloud,
          jobName,
          invokerJar,
          functionJar,
          List.of("-XX:ArchiveClassesAtExit=" + functionArchive),
          work,
          "train-function",
          0);
      boolean jobCds = Files.isRegularFile(jobArchive);
      boolean functionCds = Files.isRegularFile(functionArchive);

      List<Double> bare = new ArrayList<>();
      Map<String, List<Double>> job = new LinkedHashMap<>();
      Map<String, List<Double>> jobExit = new LinkedHashMap<>();
      Map<String, List<Double>> function = new LinkedHashMap<>();
      Map<String, List<Double>> listening = new LinkedHashMap<>();
      int seq = 0;
      for (int r = 0; r < reps; r++) {
        bare.add(bareJvm(work, "bare-" + r));
        for (Variant v : VARIANTS) {
          if (v.cds() && jobCds) {
            double[] t =
                jobToFirstRequest(cloud, jobJar, request, flags(v, jobArchive), work, "job-" + seq);
            job.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[0]);
            jobExit.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[1]);
          } else if (!v.cds()) {
            double[] t =
                jobToFirstRequest(cloud, jobJar, request, flags(v, null), work, "job-" + seq);
            job.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[0]);
            jobExit.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[1]);
          }
          if (!v.cds() || functionCds) {
            double[] t =
                functionToFirstServed(
                    cloud,
                    jobName,
                    invokerJar,
                    functionJar,
                    flags(v, v.cds() ? functionArchive : null),
                    work,
                    "function-" + seq,
                    ++seq);
            function.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[0]);
            listening.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[1]);
          }
          seq++;
        }
      }
      report(Stats.of(bare), job, jobExit, function, listening, jobCds, functionCds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      DriftScalingBench.deleteTree(work);
    }
  }

  private static List<String> flags(Variant v, Path archive) {
    List<String> flags = new ArrayList<>(v.flags());
    if (archive != null) {
      flags.add("-XX:SharedArchiveFile=" + archive);
    }
    return flags;
  }

  private static double bareJvm(Path work, String name) {
    try (ChildJvm child =
        ChildJvm.start(List.of(ChildJvm.JAVA, "-version"), Map.of(), work, name)) {
      child.await(Duration.ofSeconds(30));
      return (System.nanoTime() - child.startedNanos()) / 1e6;
    }
  }

  /** [ms to the first API request, ms to exit]. */
  private static double[] jobToFirstRequest(
      LocalCloud cloud, Path jobJar, Path request, List<String> flags, Path work, String name) {
    cloud.resetLog();
    List<String> argv = new ArrayList<>();
    argv.add(ChildJvm.JAVA);
    argv.addAll(flags);
    argv.addAll(List.of("-jar", jobJar.toString(), "plan", request.toString()));
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    try (ChildJvm child = ChildJvm.start(argv, env, work, name)) {
      int exit = child.await(Duration.ofMinutes(2));
      long end = System.nanoTime();
      if (exit != 0) {
        throw new IllegalStateException(
            "job "
                + name
                + " exited "
                + exit
                + ": "
                + ChildJvm.tail(child.stderr() + child.stdout()));
      }
      List<RecordedRequest> log = cloud.requestLog();
      if (log.isEmpty()) {
        throw new IllegalStateException("job " + name + " made no API request");
      }
      RecordedRequest first = log.get(0);
      Instant arrived = first.at().minus(first.duration());
      return new double[] {
        Duration.between(child.started(), arrived).toNanos() / 1e6,
        (end - child.startedNanos()) / 1e6
      };
    }
  }

  /** [ms to the first delivered event answered 2xx, ms to the port accepting connections]. */
  static double[] functionToFirstServed(
      LocalCloud cloud,
      String jobName,
      Path invokerJar,
      Path functionJar,
      List<String> flags,
      Path work,
      String name,
      int seq) {
    int port = FunctionSetup.freePort();
    EventarcPush push = new EventarcPush(port);
    try (ChildJvm child =
        ChildJvm.start(
            FunctionSetup.argv(flags, invokerJar, functionJar, port),
            FunctionSetup.env(cloud, jobName),
            work,
            name)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      double listeningMs = -1;
      String requestId = "bench-startup-" + name + "-" + seq;
      while (System.nanoTime() < deadline) {
        if (!child.isAlive()) {
          throw new IllegalStateException(
              "the invoker exited: " + ChildJvm.tail(child.stderr() + child.stdout()));
        }
        try {
          if (listeningMs < 0 && FreePort.accepts(port)) {
            listeningMs = (System.nanoTime() - child.startedNanos()) / 1e6;
          }
          if (listeningMs < 0) {
            Thread.sleep(2);
            continue;
          }
          int status = push.deliver(requestId, FunctionSetup.request(requestId));
          if (status / 100 == 2) {
            double served = (System.nanoTime() - child.startedNanos()) / 1e6;
            return new double[] {served, listeningMs};
          }
          throw new IllegalStateException(
              "the function answered "
                  + status
                  + ": "
                  + ChildJvm.tail(child.stdout() + child.stderr()));
        } catch (ConnectException | HttpTimeoutException notYet) {
          sleep(2);
        } catch (IOException e) {
          sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException("the function served nothing within 60 s");
    }
  }

  private void report(
      Stats bare,
      Map<String, List<Double>> job,
      Map<String, List<Double>> jobExit,
      Map<String, List<Double>> function,
      Map<String, List<Double>> listening,
      boolean jobCds,
      boolean functionCds) {
    table.add(
        "4", "bare JVM: java -version, start → exit", bare, ResultTable::millis, "", Verdict.INFO);
    rows("job: JVM start → first API request", job, bare);
    Stats jobDefault = Stats.of(jobExit.get("defaults"));
    table.add(
        "4",
        "job: JVM start → exit (plan of the largest request, defaults)",
        jobDefault,
        ResultTable::millis,
        "",
        Verdict.INFO);
    rows("function: invoker start → first event served", function, bare);
    Stats port = Stats.of(listening.get("defaults"));
    table.add(
        "4",
        "function: invoker start → port open (defaults)",
        port,
        ResultTable::millis,
        "",
        Verdict.INFO);
    if (!jobCds || !functionCds) {
      table.note(
          "Figure 4: the training run wrote no archive for "
              + (jobCds ? "" : "the job ")
              + (functionCds ? "" : "the function")
              + "; its AppCDS rows are missing.");
    }
  }

  private void rows(String what, Map<String, List<Double>> byVariant, Stats bare) {
    Stats base = Stats.of(byVariant.get("defaults"));
    for (var e : byVariant.entrySet()) {
      Stats s = Stats.of(e.getValue());
      String target =
          e.getKey().equals("defaults")
              ? String.format(
                  Locale.ROOT, "bare JVM + %s", ResultTable.millis(s.median() - bare.median()))
              : String.format(
                  Locale.ROOT,
                  "%+.0f%% vs defaults (%s)",
                  (s.median() / base.median() - 1) * 100,
                  ResultTable.millis(s.median() - base.median()));
      table.add("4", what + ", " + e.getKey(), s, ResultTable::millis, target, Verdict.INFO);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runwire-bench-startup-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
