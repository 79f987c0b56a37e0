package dev.runwire.function.bench;

import com.google.cloud.run.v2.JobName;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.function.EventarcPush;
import dev.runwire.function.InvokerProcess;
import dev.runwire.function.LocalJobs;
import dev.runwire.function.PubSubEmulator;
import dev.runwire.function.Requests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: one function instance (the shaded jar in the real invoker, its own JVM)
 * against the local cloud's Run v2 and Google's Pub/Sub emulator, driven over HTTP the way Eventarc
 * drives it. Every request is valid and new, so each one lists executions, runs the job (the
 * emulator starts {@code true} as its task) and publishes an accepted event.
 *
 * <p>Reports, per phase: the function-side latency from CloudEvent received to {@code jobs:run}
 * answered (from the {@code latency.runAnsweredMs} field of its log line), the client-side HTTP
 * round trip (which adds the duplicate re-check, the event publish and HTTP), and requests/s with
 * concurrent clients. Latency depends on how many executions the job already has (the duplicate
 * check lists them), so it is reported against the history size too.
 *
 * <p>Run: {@code ./mvnw -q -o -pl function -am verify -DskipTests} once (for the shaded jar and
 * test classes), then {@code java -cp "$(cat function/target/bench.classpath)"
 * dev.runwire.function.bench.LaunchBenchmark [requests] [concurrency] [seconds]} — see the module
 * README for the classpath line.
 */
public final class LaunchBenchmark {

  private static final String IMAGE = "local/bench-job";
  private static final String TOPIC = "projects/" + LocalJobs.PROJECT + "/topics/runwire-events";
  private static final String SUB = "projects/" + LocalJobs.PROJECT + "/subscriptions/bench";

  private LaunchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path jar =
        Path.of(System.getProperty("runwire.function.jar", "function/target/runwire-function.jar"));
    Path logs = Files.createTempDirectory("runwire-bench");
    System.out.printf(
        "runwire function benchmark: %d sequential requests, %d clients for %d s; %d cores%n",
        requests, concurrency, seconds, Runtime.getRuntime().availableProcessors());
    try (LocalCloud cloud = LocalCloud.builder().imageCommand(IMAGE, List.of("true")).start();
        LocalJobs jobs = new LocalJobs(cloud.baseUrl());
        PubSubEmulator pubsub = PubSubEmulator.start(logs.resolve("pubsub.log"))) {
      pubsub.createTopic(TOPIC);
      pubsub.createSubscription(SUB, TOPIC);
      JobName warmJob = jobs.createJob("bench-warmup", IMAGE);
      JobName seqJob = jobs.createJob("bench-sequential", IMAGE);
      JobName loadJob = jobs.createJob("bench-load", IMAGE);
      // One invoker per job: RUNWIRE_JOB is the instance's configuration.
      for (JobName job : List.of(warmJob, seqJob, loadJob)) {
        Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
        env.put("RUNWIRE_JOB", job.toString());
        env.put("PUBSUB_EMULATOR_HOST", pubsub.hostPort());
        env.put("RUNWIRE_EVENTS_TOPIC", TOPIC);
        env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // the requests deploy local/...
        try (InvokerProcess invoker =
            InvokerProcess.start(jar, env, logs.resolve(job.getJob() + ".log"))) {
          EventarcPush push = new EventarcPush(invoker.port());
          if (job.equals(warmJob)) {
            long start = System.nanoTime();
            sequential(push, "warm", requests / 2);
            System.out.printf(
                "warm-up: %d requests in %.1f s (first request included)%n",
                requests / 2, (System.nanoTime() - start) / 1e9);
          } else if (job.equals(seqJob)) {
            sequential(push, "warm", 50); // this JVM's first requests are not measured
            List<Double> rtt = sequential(push, "seq", requests);
            Map<String, Double> runAnswered = runAnsweredMs(invoker.output(), "seq-");
            report("sequential, history 50.." + (50 + requests), runAnswered, rtt, 50);
          } else {
            sequential(push, "warm", 50);
            load(push, concurrency, seconds);
            System.out.printf("executions the job ended with: %d%n", jobs.executions(job).size());
          }
        }
      }
    }
  }

  private static List<Double> sequential(EventarcPush push, String prefix, int count)
      throws Exception {
    List<Double> rtt = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      long start = System.nanoTime();
      int status = push.postMessage(id, Requests.apply(id));
      rtt.add((System.nanoTime() - start) / 1e6);
      if (status != 200) {
        throw new IllegalStateException(id + " answered " + status);
      }
    }
    return rtt;
  }

  private static void load(EventarcPush push, int clients, int seconds) throws Exception {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong next = new AtomicLong();
    List<Double> rtt = Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      threads.add(
          new Thread(
              () -> {
                while (System.nanoTime() < deadline) {
                  String id = "load-" + next.incrementAndGet();
                  long start = System.nanoTime();
                  try {
                    int status = push.postMessage(id, Requests.apply(id));
                    rtt.add((System.nanoTime() - start) / 1e6);
                    (status == 200 ? ok : failed).incrementAndGet();
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              }));
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    List<Double> sorted = new ArrayList<>(rtt);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "load: %d clients, %.1f s: %d accepted, %d failed, %.1f requests/s; round trip p50 %.1f ms,"
            + " p99 %.1f ms%n",
        clients,
        elapsed,
        ok.get(),
        failed.get(),
        ok.get() / elapsed,
        percentile(sorted, 50),
        percentile(sorted, 99));
  }

  /** messageId → latency.runAnsweredMs, from the function's structured log. */
  private static Map<String, Double> runAnsweredMs(String log, String prefix) {
    Map<String, Double> out = new HashMap<>();
    for (String line : log.split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonObject entry;
      try {
        entry = JsonParser.parseString(line).getAsJsonObject();
      } catch (RuntimeException e) {
        continue;
      }
      JsonElement latency = entry.get("latency");
      JsonObject labels = entry.getAsJsonObject("logging.googleapis.com/labels");
      if (latency == null || labels == null || !labels.has("messageId")) {
        continue;
      }
      String messageId = labels.get("messageId").getAsString();
      JsonObject l = latency.getAsJsonObject();
      if (messageId.startsWith(prefix) && l.has("runAnsweredMs")) {
        out.put(messageId, l.get("runAnsweredMs").getAsDouble());
      }
    }
    return out;
  }

  private static void report(
      String phase, Map<String, Double> runAnswered, List<Double> rtt, int historyBefore) {
    List<Double> fn = new ArrayList<>(runAnswered.values());
    Collections.sort(fn);
    List<Double> http = new ArrayList<>(rtt);
    Collections.sort(http);
    System.out.printf(
        Locale.ROOT,
        "%s: received -> jobs:run answered p50 %.1f ms, p99 %.1f ms (n=%d); HTTP round trip p50"
            + " %.1f ms, p99 %.1f ms%n",
        phase,
        percentile(fn, 50),
        percentile(fn, 99),
        fn.size(),
        percentile(http, 50),
        percentile(http, 99));
    // Latency against history: the duplicate check lists every execution of the job.
    int bucket = Math.max(1, rtt.size() / 5);
    for (int from = 0; from < rtt.size(); from += bucket) {
      List<Double> part = new ArrayList<>();
      for (int i = from; i < Math.min(rtt.size(), from + bucket); i++) {
        Double v = runAnswered.get("seq-" + i);
        if (v != null) {
          part.add(v);
        }
      }
      Collections.sort(part);
      System.out.printf(
          Locale.ROOT,
          "  history %4d..%4d executions: received -> jobs:run answered p50 %.1f ms%n",
          historyBefore + from,
          historyBefore + Math.min(rtt.size(), from + bucket),
          percentile(part, 50));
    }
  }

  private static double percentile(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
