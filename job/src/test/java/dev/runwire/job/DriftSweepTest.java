package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.TestRequests;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scoped drift check finds every service runwire manages from the services' own annotations,
 * reads each resource type with one list call per region, and splits the targets over tasks.
 */
class DriftSweepTest {

  static final String SWEEP =
      "{\"apiVersion\":\"runwire.dev/v1\",\"requestId\":\"sweep-1\",\"mode\":\"drift-check\","
          + "\"scope\":{\"project\":\"demo-project\",\"regions\":[\"europe-west1\",\"us-central1\"]}}";

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void threeManagedServicesOneDriftedAndOneUnmanaged() throws Exception {
    cloud = JobRunTest.startCloud();
    clients = FullApplyTest.clientsOf(cloud);
    FullApplyTest.createCustomNetwork(clients, "runwire-net");
    apply(TestRequests.directVpcJson(false));
    JsonObject billing =
        service("billing-api", "billing-cache", "billing-egress", "10.8.1.0/26", "europe-west1");
    billing.getAsJsonObject("redis").addProperty("authEnabled", true);
    apply(billing);
    apply(service("orders-api", "orders-cache", "orders-egress", "10.10.0.0/26", "us-central1"));
    clients
        .services()
        .createServiceAsync(
            "projects/demo-project/locations/europe-west1",
            Service.newBuilder()
                .setTemplate(
                    RevisionTemplate.newBuilder()
                        .addContainers(Container.newBuilder().setImage("example/other")))
                .build(),
            "not-ours")
        .get();
    cloud.changeOutOfBand(
        "projects/demo-project/locations/europe-west1/instances/billing-cache",
        "{\"memorySizeGb\":2}");
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @Test
  void oneTaskChecksEveryManagedServiceWithListCallsOnly() {
    cloud.resetLog();
    JobOutput output = new JobOutput();

    int code = sweep(0, 1, output);

    assertEquals(ExitCode.DRIFT.code(), code, output.stderr());
    JsonObject run = output.events("dev.runwire.run.v1").get(0);
    assertEquals(3, run.get("targets").getAsInt());
    assertEquals(Set.of("visitor-counter", "billing-api", "orders-api"), targets(output));
    assertEquals(Set.of("billing-api/redis-instance"), drifted(output));
    assertEquals(List.of(), JobRunTest.mutations(cloud));
    JobRunTest.assertEventsMatchTheirSchemas(output);

    List<RecordedRequest> reads = cloud.requestLog();
    // Resources come from list pages. Per-resource methods with no list form stay single calls:
    // an IAM policy (:getIamPolicy), an AUTH string, a secret version.
    List<String> singleGets =
        reads.stream()
            .map(RecordedRequest::path)
            .filter(
                p ->
                    p.matches(
                        ".*/(subnetworks|firewalls|networks|instances|services|secrets)/[^/:]+$"))
            .toList();
    assertEquals(
        List.of(), singleGets, "a sweep reads resources through list calls, not one GET each");
    Map<String, Long> lists =
        reads.stream().collect(Collectors.groupingBy(RecordedRequest::path, Collectors.counting()));
    for (String region : List.of("europe-west1", "us-central1")) {
      assertEquals(
          1L, lists.get("/v2/projects/demo-project/locations/" + region + "/services"), region);
      assertEquals(
          1L, lists.get("/v1/projects/demo-project/locations/" + region + "/instances"), region);
      assertEquals(
          1L,
          lists.get("/compute/v1/projects/demo-project/regions/" + region + "/subnetworks"),
          region);
    }
    assertEquals(1L, lists.get("/compute/v1/projects/demo-project/global/firewalls"));
    assertEquals(1L, lists.get("/v1/projects/demo-project/secrets"));
    // The default compute account (redis-auth-access): at most one projects.get for the whole
    // sweep (none when every service names its account, as Cloud Run fills it in).
    assertTrue(lists.getOrDefault("/compute/v1/projects/demo-project", 0L) <= 1L, lists::toString);
  }

  @Test
  void scheduledSweepUnderCloudRunEndsWithOneRunEventCountingDriftedServicesAndFields() {
    JobOutput output = new JobOutput();

    int code = sweep(0, 1, output, Map.of("CLOUD_RUN_EXECUTION", "runwire-job-sweep1"));

    assertEquals(ExitCode.OK.code(), code, "drift found is a successful task: " + output.stderr());
    List<JsonObject> runs = output.events("dev.runwire.run.v1");
    assertEquals(1, runs.size());
    JsonObject run = runs.get(0);
    assertEquals("drifted", run.get("status").getAsString());
    assertEquals(0, run.get("exitCode").getAsInt());
    assertEquals(3, run.get("targets").getAsInt());
    // billing-cache's memory was changed out of band: one service, one field.
    assertEquals(1, run.getAsJsonObject("drift").get("services").getAsInt());
    assertEquals(1, run.getAsJsonObject("drift").get("fields").getAsInt());
    assertEquals(Set.of("billing-api/redis-instance"), drifted(output));
    JobRunTest.assertEventsMatchTheirSchemas(output);
  }

  @Test
  void tasksSplitTheTargetsBetweenThem() {
    JobOutput first = new JobOutput();
    JobOutput second = new JobOutput();

    sweep(0, 2, first);
    sweep(1, 2, second);

    Set<String> all = new HashSet<>(targets(first));
    all.addAll(targets(second));
    assertEquals(Set.of("visitor-counter", "billing-api", "orders-api"), all);
    assertEquals(3, targets(first).size() + targets(second).size(), "no target is checked twice");
    assertEquals(2, first.events("dev.runwire.run.v1").get(0).get("targets").getAsInt());
    assertEquals(1, second.events("dev.runwire.run.v1").get(0).get("taskIndex").getAsInt());
  }

  private static int sweep(int index, int count, JobOutput output) {
    return sweep(index, count, output, Map.of());
  }

  private static int sweep(int index, int count, JobOutput output, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
    env.put("RUNWIRE_REQUEST", SWEEP);
    env.put("CLOUD_RUN_TASK_INDEX", String.valueOf(index));
    env.put("CLOUD_RUN_TASK_COUNT", String.valueOf(count));
    return JobAtStart.job(env, output).run();
  }

  private static void apply(JsonObject request) {
    JobOutput output = new JobOutput();
    assertEquals(ExitCode.OK.code(), JobRunTest.run(cloud, request, output), output.stdout());
  }

  private static JsonObject service(
      String name, String redis, String subnet, String range, String region) {
    JsonObject json = TestRequests.directVpcJson(false);
    json.addProperty("requestId", "req-" + name);
    json.getAsJsonObject("target").addProperty("region", region);
    json.getAsJsonObject("service").addProperty("name", name);
    json.getAsJsonObject("redis").addProperty("name", redis);
    json.getAsJsonObject("egress")
        .add(
            "subnet",
            JsonParser.parseString("{\"name\":\"" + subnet + "\",\"range\":\"" + range + "\"}"));
    return json;
  }

  private static Set<String> targets(JobOutput output) {
    return output.events("dev.runwire.step.v1").stream()
        .map(e -> e.getAsJsonObject("target").get("service").getAsString())
        .collect(Collectors.toSet());
  }

  private static Set<String> drifted(JobOutput output) {
    return output.events("dev.runwire.step.v1").stream()
        .filter(e -> e.get("status").getAsString().equals("drifted"))
        .map(
            e ->
                e.getAsJsonObject("target").get("service").getAsString()
                    + "/"
                    + e.get("step").getAsString())
        .collect(Collectors.toSet());
  }
}
