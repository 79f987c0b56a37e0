package dev.runwire.demo;

import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.core.Faults;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.schemas.events.RunEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A fleet at once: {@code n} services over five projects, some pairs sharing a project, region and
 * Cloud Router (each with its own NAT on it), published together to the requests topic while the
 * local cloud fails a share of every API call the function and the job make and kills a share of
 * job task attempts mid-run. Then what a platform team would check: every request converged, one
 * successful execution per request, no NAT lost from a shared router, nothing created twice.
 *
 * <p>Pub/Sub itself is Google's emulator and is not faulted.
 */
final class FleetRun {

  static final int PROJECTS = 5;
  static final String REGION = "us-central1";

  /** Services are deployed with an image the local cloud runs no process for: only wiring. */
  static final String SERVICE_IMAGE = "example/fleet-api";

  /** How often Cloud Run reruns a failed or killed task in the fleet (Cloud Run's default is 3). */
  static final int JOB_MAX_RETRIES = 3;

  private FleetRun() {}

  /** One fleet member: where it lives and its request. */
  record Member(
      String project, String service, String routerName, String natName, JsonObject json) {
    String requestId() {
      return json.get("requestId").getAsString();
    }
  }

  /** What the fleet run found. */
  record Result(
      int requests,
      Duration wall,
      Map<String, Integer> successfulExecutions,
      Set<String> converged,
      Set<String> succeededInCloud,
      int executions,
      int apiCalls,
      long retriedTasks,
      long killedTasks,
      long redeliveries,
      long peakHeapBytes,
      Map<String, Set<String>> natsOnSharedRouters,
      Map<String, Set<String>> expectedNats,
      Map<String, Long> creates,
      Map<String, Long> expectedCreates) {

    /** Requests without a succeeded execution in the Run API. */
    List<String> unconverged(List<Member> fleet) {
      return fleet.stream()
          .map(Member::requestId)
          .filter(id -> !succeededInCloud.contains(id))
          .sorted()
          .toList();
    }

    /** Requests whose succeeded run event never reached the events topic's subscriber. */
    List<String> unreported(List<Member> fleet) {
      return fleet.stream()
          .map(Member::requestId)
          .filter(id -> !converged.contains(id))
          .sorted()
          .toList();
    }

    /** Requests with other than exactly one successful execution. */
    Map<String, Integer> notExactlyOnce() {
      return successfulExecutions.entrySet().stream()
          .filter(e -> e.getValue() != 1)
          .collect(
              Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
  }

  /**
   * {@code n} services, numbered round-robin over five projects: in each project the first two
   * share the router {@code fleet-router} (different NAT names), the others have their own.
   */
  static List<Member> fleet(int n) {
    List<Member> fleet = new ArrayList<>();
    int[] inProject = new int[PROJECTS];
    for (int i = 0; i < n; i++) {
      int p = i % PROJECTS;
      int k = inProject[p]++;
      String project = "fleet-p" + (p + 1);
      String service = "fleet-" + (i + 1);
      JsonObject request = defaultRequest();
      request.addProperty("requestId", "fleet-" + (i + 1) + "-apply");
      JsonObject target = request.getAsJsonObject("target");
      target.addProperty("project", project);
      target.addProperty("region", REGION);
      target.addProperty("network", "default");
      JsonObject svc = request.getAsJsonObject("service");
      svc.addProperty("name", service);
      svc.remove("image");
      request.getAsJsonObject("redis").addProperty("name", service + "-redis");
      JsonObject subnet = request.getAsJsonObject("egress").getAsJsonObject("subnet");
      subnet.addProperty("name", service + "-egress");
      // 10.20.k.0/26 in every project: ranges only have to be unique within a network.
      subnet.addProperty("range", "10.20." + k + ".0/26");
      String router = k < 2 ? "fleet-router" : service + "-router";
      String nat = service + "-nat";
      JsonObject ip = request.getAsJsonObject("staticEgressIp");
      ip.addProperty("routerName", router);
      ip.addProperty("natName", nat);
      fleet.add(new Member(project, service, router, nat, request));
    }
    return fleet;
  }

  /** Runs the fleet on {@code env} and checks it; faults are cleared again before the checks. */
  static Result run(
      LocalEnvironment env, List<Member> fleet, double faultRate, double killRate, Duration timeout)
      throws Exception {
    for (Member m : fleet) {
      env.deployService(m.project(), REGION, m.service(), SERVICE_IMAGE);
    }
    env.jobMaxRetries(JOB_MAX_RETRIES);
    Map<String, Set<String>> succeededExecutions = new ConcurrentHashMap<>();
    Set<String> ids = fleet.stream().map(Member::requestId).collect(Collectors.toSet());
    HeapPeak heap = new HeapPeak();
    long nackedBefore = env.bridge().nacked();
    long killedBefore = env.cloud().faults().killedTasks();
    try (AutoCloseable listening =
        env.onEvent(
            e -> {
              if (e instanceof RunEvent run
                  && ids.contains(run.requestId())
                  && run.status() == RunEvent.Outcome.SUCCEEDED) {
                succeededExecutions
                    .computeIfAbsent(run.requestId(), k -> ConcurrentHashMap.newKeySet())
                    .add(run.executionId());
              }
            })) {
      heap.start();
      env.cloud().resetLog();
      env.cloud()
          .faults()
          .errorRate(Faults.ALL, faultRate)
          .killTasks(killRate, Duration.ofSeconds(10));
      long t0 = System.nanoTime();
      fleet.parallelStream().forEach(m -> env.publish(m.json().toString()));
      long deadline = t0 + timeout.toNanos();
      // Done when every request's run event arrived, or (so a lost event does not cost the whole
      // timeout) 20 s after the Run API shows every request's execution succeeded.
      long allSucceededAt = 0;
      while (succeededExecutions.size() < fleet.size() && System.nanoTime() < deadline) {
        Thread.sleep(500);
        if (allSucceededAt == 0 && succeededInCloud(env, ids).size() == ids.size()) {
          allSucceededAt = System.nanoTime();
        }
        if (allSucceededAt != 0 && System.nanoTime() - allSucceededAt > 20_000_000_000L) {
          break;
        }
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - t0);
      // Late duplicates would show within a few seconds: an execution started by a redelivery.
      Thread.sleep(2_000);
      env.cloud().faults().errorRate(Faults.ALL, 0).killTasks(0);
      List<RecordedRequest> log = env.cloud().requestLog();
      heap.stop();
      List<Execution> executions = new ArrayList<>();
      env.executions().listExecutions(env.jobName()).iterateAll().forEach(executions::add);
      executions.removeIf(e -> !ids.contains(requestIdOf(e)));
      Map<String, Integer> successful = new TreeMap<>();
      fleet.forEach(m -> successful.put(m.requestId(), 0));
      long retried = 0;
      for (Execution e : executions) {
        retried += e.getRetriedCount();
        if (e.hasCompletionTime() && e.getSucceededCount() == e.getTaskCount()) {
          successful.merge(requestIdOf(e), 1, Integer::sum);
        }
      }
      Map<String, Set<String>> expectedNats = new TreeMap<>();
      for (Member m : fleet) {
        expectedNats.computeIfAbsent(routerPath(m), k -> new TreeSet<>()).add(m.natName());
      }
      expectedNats.values().removeIf(nats -> nats.size() < 2);
      Map<String, Set<String>> actualNats = new TreeMap<>();
      for (String router : expectedNats.keySet()) {
        actualNats.put(router, natsOf(env, router));
      }
      return new Result(
          fleet.size(),
          wall,
          successful,
          Set.copyOf(succeededExecutions.keySet()),
          successful.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet()),
          executions.size(),
          log.size(),
          retried,
          env.cloud().faults().killedTasks() - killedBefore,
          env.bridge().nacked() - nackedBefore,
          heap.peak(),
          actualNats,
          expectedNats,
          creates(log),
          expectedCreates(fleet));
    } finally {
      heap.stop();
      env.cloud().faults().errorRate(Faults.ALL, 0).killTasks(0);
    }
  }

  /** Requests whose execution the Run API shows succeeded (read without faults' retries). */
  private static Set<String> succeededInCloud(LocalEnvironment env, Set<String> ids) {
    Set<String> done = new TreeSet<>();
    try {
      env.executions()
          .listExecutions(env.jobName())
          .iterateAll()
          .forEach(
              e -> {
                if (ids.contains(requestIdOf(e))
                    && e.hasCompletionTime()
                    && e.getSucceededCount() == e.getTaskCount()) {
                  done.add(requestIdOf(e));
                }
              });
    } catch (RuntimeException e) {
      // a faulted read: try again on the next round
    }
    return done;
  }

  private static String routerPath(Member m) {
    return "/compute/v1/projects/"
        + m.project()
        + "/regions/"
        + REGION
        + "/routers/"
        + m.routerName();
  }

  private static Set<String> natsOf(LocalEnvironment env, String routerPath) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(env.cloud().baseUrl() + routerPath))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Set<String> nats = new TreeSet<>();
    if (response.statusCode() != 200) {
      return nats;
    }
    JsonElement list = JsonParser.parseString(response.body()).getAsJsonObject().get("nats");
    if (list != null) {
      for (JsonElement nat : list.getAsJsonArray()) {
        nats.add(nat.getAsJsonObject().get("name").getAsString());
      }
    }
    return nats;
  }

  /**
   * Successful creates in the request log, keyed by the collection (Compute inserts POST to the
   * collection) or the Redis instance id.
   */
  static Map<String, Long> creates(List<RecordedRequest> log) {
    Map<String, Long> creates = new TreeMap<>();
    for (RecordedRequest r : log) {
      if (!r.method().equals("POST") || r.status() / 100 != 2) {
        continue;
      }
      if (r.path()
          .matches(
              "/compute/v1/projects/[^/]+/(regions/[^/]+|global)/(subnetworks|routers|addresses|firewalls|networks)")) {
        creates.merge(r.path(), 1L, Long::sum);
      } else if (r.path().endsWith("/instances") && r.query().contains("instanceId=")) {
        String id = r.query().replaceAll(".*instanceId=([^&]+).*", "$1");
        creates.merge(r.path() + "/" + id, 1L, Long::sum);
      }
    }
    return creates;
  }

  /** One subnet, address and Redis instance per service; one router per distinct router name. */
  static Map<String, Long> expectedCreates(List<Member> fleet) {
    Map<String, Long> expected = new TreeMap<>();
    Map<String, Set<String>> routers = new TreeMap<>();
    for (Member m : fleet) {
      String region = "/compute/v1/projects/" + m.project() + "/regions/" + REGION;
      expected.merge(region + "/subnetworks", 1L, Long::sum);
      expected.merge(region + "/addresses", 1L, Long::sum);
      expected.put(
          "/v1/projects/"
              + m.project()
              + "/locations/"
              + REGION
              + "/instances/"
              + m.service()
              + "-redis",
          1L);
      routers.computeIfAbsent(region + "/routers", k -> new TreeSet<>()).add(m.routerName());
    }
    routers.forEach((k, v) -> expected.put(k, (long) v.size()));
    return expected;
  }

  private static String requestIdOf(Execution e) {
    for (var c : e.getTemplate().getContainersList()) {
      for (EnvVar env : c.getEnvList()) {
        if (env.getName().equals("RUNWIRE_REQUEST_ID")) {
          return env.getValue();
        }
      }
    }
    return null;
  }

  /** The default demo request (schemas/examples/valid/direct-vpc-static-ip.json). */
  private static JsonObject defaultRequest() {
    try {
      return JsonParser.parseString(
              Files.readString(ProjectLayout.locate(Map.of()).defaultRequest()))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Samples this JVM's heap in use (the local cloud runs in it) every 100 ms. */
  private static final class HeapPeak {
    private final AtomicLong peak = new AtomicLong();
    private volatile Thread thread;

    void start() {
      thread =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  peak.accumulateAndGet(used, Math::max);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "fleet-heap-peak");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }

    long peak() {
      return peak.get();
    }
  }

  static String summary(Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requests", r.requests());
    out.put("wall", r.wall().toMillis() + " ms");
    out.put("executions", r.executions());
    out.put(
        "apiCallsPerRequest",
        String.format(java.util.Locale.ROOT, "%.1f", (double) r.apiCalls() / r.requests()));
    out.put("retriedTasks", r.retriedTasks());
    out.put("killedTasks", r.killedTasks());
    out.put("functionRedeliveries", r.redeliveries());
    out.put("peakHeapMiB", r.peakHeapBytes() / (1024 * 1024));
    return out.toString();
  }
}
