package dev.runwire.bench;

import dev.runwire.bench.ResultTable.Verdict;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.processes.FreePorts;
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

  /** JVM flags of one variant; {@code cds} adds the archive of the program being started. */
  private record Variant(String name, boolean cds, List<String> flags) {}

  private static final List<String> C1_SERIAL =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("defaults", false, List.of()),
          new Variant("AppCDS", true, List.of()),
          new Variant("C1 + SerialGC", false, C1_SERIAL),
          new Variant("AppCDS + C1 + SerialGC", true, C1_SERIAL));

  /**
   * Starts the program once with {@code flags}; returns [the figure in ms, a second time]. A
   * training run must end normally (the archive is written at exit).
   */
  private interface Start {
    double[] once(List<String> flags, String name, boolean training);
  }

  /** What the first class of each package marks in the job's start (phase → class prefix). */
  private static final Map<String, String> JOB_MARKERS =
      markers(
          "main", "dev.runwire.job.RunwireJob",
          "request validation", "dev.harrel",
          "event sinks", "dev.runwire.job.events",
          "Compute client", "com.google.cloud.compute.v1",
          "HTTP transport", "com.google.api.client.http");

  private static final Map<String, String> FUNCTION_MARKERS =
      markers(
          "invoker", "com.google.cloud.functions.invoker",
          "Jetty", "org.eclipse.jetty.server",
          "function class", "dev.runwire.function.ProvisioningRequestFunction",
          "request validation", "dev.harrel",
          "Run client", "com.google.cloud.run.v2",
          "first event", "dev.runwire.function.MessagePublishedDecoder");

  private static Map<String, String> markers(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private final ResultTable table;
  private final RepoLayout repo;
  private final int reps;

  StartupBench(ResultTable table, RepoLayout repo, int reps) {
    this.table = table;
    this.repo = repo;
    this.reps = reps;
  }

  void run() {
    Path work = tempDir();
    try (LocalCloud cloud = FunctionSetup.cloud().start()) {
      List<Double> bare = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        bare.add(bareJvm(work, "bare-" + r));
      }
      Stats bareStats = Stats.of(bare);
      table.add(
          "4",
          "bare JVM: java -version, start → exit",
          bareStats,
          ResultTable::millis,
          "",
          Verdict.INFO);
      try {
        job(cloud, work, bareStats);
      } catch (RuntimeException e) {
        table.addMissing("4", "job start-up", "failed: " + BenchMain.oneLine(e));
      }
      try {
        function(cloud, work, bareStats);
      } catch (RuntimeException e) {
        table.addMissing("4", "function start-up", "failed: " + BenchMain.oneLine(e));
      }
    } finally {
      DriftScalingBench.deleteTree(work);
    }
  }

  private void job(LocalCloud cloud, Path work, Stats bare) {
    Path jobJar = repo.jobJar();
    Path request = work.resolve("plan.json");
    try (CloudSeeds seeds = new CloudSeeds(cloud.baseUrl(), Duration.ofMillis(10))) {
      seeds.network(BenchRequests.PROJECT, BenchRequests.NETWORK);
      seeds.service(
          BenchRequests.PROJECT, BenchRequests.REGION, BenchRequests.SERVICE, BenchRequests.IMAGE);
      Files.writeString(request, BenchRequests.largest("bench-startup").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, List<Double>> exits = new LinkedHashMap<>();
    Map<String, List<Double>> first =
        measure(
            work.resolve("job.jsa"),
            (flags, name, training) ->
                jobToFirstRequest(cloud, jobJar, request, flags, work, name, training),
            exits,
            JOB_MARKERS);
    rows("job: JVM start → first API request", first, bare);
  }

  private void function(LocalCloud cloud, Path work, Stats bare) {
    String jobName = FunctionSetup.createJob(cloud);
    Path invokerJar = repo.invokerJar();
    Path functionJar = repo.functionJar();
    Map<String, List<Double>> listening = new LinkedHashMap<>();
    Map<String, List<Double>> served =
        measure(
            work.resolve("function.jsa"),
            (flags, name, training) ->
                functionToFirstServed(cloud, jobName, invokerJar, functionJar, flags, work, name),
            listening,
            FUNCTION_MARKERS);
    rows("function: invoker start → first event served", served, bare);
    table.add(
        "4",
        "function: invoker start → port open (defaults)",
        Stats.of(listening.get("defaults")),
        ResultTable::millis,
        "",
        Verdict.INFO);
  }

  /**
   * One training run that dumps the archive, then every variant once per repetition, in turn.
   * Returns the figure per variant; {@code second} gets the second time per variant.
   */
  private Map<String, List<Double>> measure(
      Path archive, Start start, Map<String, List<Double>> second, Map<String, String> markers) {
    phasesNote(archive, start, markers);
    start.once(List.of("-XX:ArchiveClassesAtExit=" + archive), "train", true);
    boolean cds = Files.isRegularFile(archive);
    if (!cds) {
      table.note("Figure 4: the training run wrote no archive at " + archive + "; no AppCDS rows.");
    } else {
      // Which classes the archive served: -Xlog:class+load names each class's source.
      Path classLog = archive.resolveSibling(archive.getFileName() + ".classes.log");
      start.once(
          List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info:file=" + classLog),
          "classes",
          false);
      classesNote(archive.getFileName().toString(), classLog);
    }
    Map<String, List<Double>> first = new LinkedHashMap<>();
    int seq = 0;
    for (int r = 0; r < reps; r++) {
      for (Variant v : VARIANTS) {
        if (v.cds() && !cds) {
          continue;
        }
        List<String> flags = new ArrayList<>(v.flags());
        if (v.cds()) {
          flags.add("-XX:SharedArchiveFile=" + archive);
        }
        double[] t = start.once(flags, "run-" + seq++, false);
        first.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[0]);
        second.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(t[1]);
      }
    }
    return first;
  }

  /**
   * One run with the defaults and a class-load log with JVM uptimes: when the first class of each
   * marker was loaded shows where the start-up goes.
   */
  private void phasesNote(Path archive, Start start, Map<String, String> markers) {
    Path log = archive.resolveSibling(archive.getFileName() + ".phases.log");
    double[] t =
        start.once(List.of("-Xlog:class+load=info:file=" + log + ":uptime"), "phases", false);
    Map<String, Double> first = new LinkedHashMap<>();
    long classes = 0;
    try (var lines = Files.lines(log)) {
      for (String line : (Iterable<String>) lines::iterator) {
        int close = line.indexOf("s]");
        if (!line.startsWith("[") || close < 0) {
          continue;
        }
        classes++;
        double at = Double.parseDouble(line.substring(1, close)) * 1000;
        for (var m : markers.entrySet()) {
          if (!first.containsKey(m.getKey()) && line.contains("] " + m.getValue())) {
            first.put(m.getKey(), at);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      table.note("Figure 4: cannot read the class-load log " + log + ": " + e.getMessage());
      return;
    }
    StringBuilder text = new StringBuilder();
    for (String phase : markers.keySet()) {
      if (first.containsKey(phase)) {
        text.append(phase).append(String.format(Locale.ROOT, " %.0f ms, ", first.get(phase)));
      }
    }
    table.note(
        String.format(
            Locale.ROOT,
            "Figure 4, %s start with the defaults: the first class of each part was loaded at"
                + " (JVM uptime) %sand %s %.0f ms after the process started, after %d classes.",
            archive.getFileName().toString().replace(".jsa", ""),
            text,
            markers == JOB_MARKERS ? "its first API request came" : "the first event was answered",
            t[0],
            classes));
  }

  private void classesNote(String archive, Path classLog) {
    try (var lines = Files.lines(classLog)) {
      long[] counts = new long[3];
      lines.forEach(
          line -> {
            if (!line.contains(" source: ")) {
              return;
            }
            counts[0]++;
            if (line.contains("source: shared objects file (top)")) {
              counts[1]++;
            } else if (line.contains("source: shared objects file")) {
              counts[2]++;
            }
          });
      table.note(
          String.format(
              Locale.ROOT,
              "Figure 4, %s: of %d classes loaded up to the first request, %d came from the"
                  + " AppCDS archive and %d from the JDK's default CDS archive; the rest were"
                  + " loaded and verified from jars.",
              archive,
              counts[0],
              counts[1],
              counts[2]));
    } catch (IOException e) {
      table.note("Figure 4: no class-load log for " + archive + ": " + e.getMessage());
    }
  }

  private static double bareJvm(Path work, String name) {
    try (ChildJvm child =
        ChildJvm.start(List.of(ChildJvm.JAVA, "-version"), Map.of(), work, name)) {
      child.await(Duration.ofSeconds(30));
      return (System.nanoTime() - child.startedNanos()) / 1e6;
    }
  }

  /**
   * [ms to the first API request, ms to exit or NaN]. A training run ({@code toExit}) runs the plan
   * to the end (the archive is written at exit); a measured run is stopped once its first request
   * has arrived.
   */
  private static double[] jobToFirstRequest(
      LocalCloud cloud,
      Path jobJar,
      Path request,
      List<String> flags,
      Path work,
      String name,
      boolean toExit) {
    cloud.resetLog();
    List<String> argv = new ArrayList<>();
    argv.add(ChildJvm.JAVA);
    argv.addAll(flags);
    argv.addAll(List.of("-jar", jobJar.toString(), "plan", request.toString()));
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // the bench deploys local/ images
    try (ChildJvm child = ChildJvm.start(argv, env, work, "job-" + name)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      List<RecordedRequest> log = cloud.requestLog();
      while (log.isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
        sleep(1);
        log = cloud.requestLog();
      }
      if (log.isEmpty()) {
        throw new IllegalStateException(
            "job " + name + " made no API request: " + ChildJvm.tail(child.stderr()));
      }
      RecordedRequest first = log.get(0);
      Instant arrived = first.at().minus(first.duration());
      double exitMs = Double.NaN;
      if (toExit) {
        int exit = child.await(Duration.ofMinutes(2));
        exitMs = (System.nanoTime() - child.startedNanos()) / 1e6;
        if (exit != 0) {
          throw new IllegalStateException(
              "job "
                  + name
                  + " exited "
                  + exit
                  + ": "
                  + ChildJvm.tail(child.stderr() + child.stdout()));
        }
      }
      return new double[] {Duration.between(child.started(), arrived).toNanos() / 1e6, exitMs};
    }
  }

  /** [ms to the first delivered event answered 2xx, ms to the port accepting connections]. */
  private static double[] functionToFirstServed(
      LocalCloud cloud,
      String jobName,
      Path invokerJar,
      Path functionJar,
      List<String> flags,
      Path work,
      String name) {
    int port = FreePorts.pick();
    EventarcPush push = new EventarcPush(port);
    String requestId = "bench-startup-" + name;
    try (ChildJvm child =
        ChildJvm.start(
            FunctionSetup.argv(flags, invokerJar, functionJar, port),
            FunctionSetup.env(cloud, jobName),
            work,
            "function-" + name)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      double listeningMs = -1;
      while (System.nanoTime() < deadline) {
        if (!child.isAlive()) {
          throw new IllegalStateException(
              "the invoker exited: " + ChildJvm.tail(child.stderr() + child.stdout()));
        }
        if (listeningMs < 0) {
          if (FreePorts.accepts(port)) {
            listeningMs = (System.nanoTime() - child.startedNanos()) / 1e6;
          } else {
            sleep(2);
          }
          continue;
        }
        try {
          int status = push.deliver(requestId, FunctionSetup.request(requestId));
          if (status / 100 != 2) {
            throw new IllegalStateException(
                "the function answered "
                    + status
                    + ": "
                    + ChildJvm.tail(child.stdout() + child.stderr()));
          }
          return new double[] {(System.nanoTime() - child.startedNanos()) / 1e6, listeningMs};
        } catch (ConnectException | HttpTimeoutException notYet) {
          sleep(2);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException("the function served nothing within 60 s");
    }
  }

  private void rows(String what, Map<String, List<Double>> byVariant, Stats bare) {
    Stats base = Stats.of(byVariant.get("defaults"));
    for (var e : byVariant.entrySet()) {
      Stats s = Stats.of(e.getValue());
      String target =
          e.getKey().equals("defaults")
              ? "bare JVM + " + ResultTable.millis(s.median() - bare.median())
              : String.format(
                  Locale.ROOT,
                  "%+.0f%% vs defaults (%s)",
                  (s.median() / base.median() - 1) * 100,
                  ResultTable.signedMillis(s.median() - base.median()));
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
