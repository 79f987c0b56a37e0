package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.compute.v1.Router;
import com.google.gson.JsonObject;
import dev.runwire.job.testing.TestRequests;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two executions of the same request at once (a redelivered message, a person re-running by hand)
 * converge: both succeed, nothing exists twice, and a later apply finds nothing to do. Operations
 * take a little while here so that the two really overlap.
 */
class ConcurrentExecutionsTest {

  @RegisterExtension
  static final LocalCloudExtension local =
      LocalCloudExtension.withProbeJob()
          .duration("redis.create", Duration.ofMillis(800))
          .duration("compute.subnetwork", Duration.ofMillis(300))
          .duration("compute.router", Duration.ofMillis(300))
          .duration("compute.address", Duration.ofMillis(300))
          .duration("compute.firewall", Duration.ofMillis(300))
          .duration("vpcaccess.create", Duration.ofMillis(500))
          .duration("run.service.create", Duration.ofMillis(400))
          .duration("run.service.update", Duration.ofMillis(400))
          .customNetwork("runwire-net");

  @Test
  void twoExecutionsOfTheSameRequestAtOnceConverge() {
    JsonObject request = TestRequests.connectorJson(true);
    request.getAsJsonObject("redis").addProperty("authEnabled", true);

    CompletableFuture<Integer> a =
        CompletableFuture.supplyAsync(() -> execution("exec-a", request));
    CompletableFuture<Integer> b =
        CompletableFuture.supplyAsync(() -> execution("exec-b", request));

    assertEquals(ExitCode.OK.code(), a.join());
    assertEquals(ExitCode.OK.code(), b.join());
    String location = "projects/demo-project/locations/europe-west1";
    assertEquals(1, count(local.clients().redis().listInstances(location).iterateAll()));
    assertEquals(1, count(local.clients().vpcAccess().listConnectors(location).iterateAll()));
    assertEquals(1, count(local.clients().services().listServices(location).iterateAll()));
    assertEquals(
        1, count(local.clients().addresses().list("demo-project", "europe-west1").iterateAll()));
    List<Router> routers =
        List.copyOf(
            toList(local.clients().routers().list("demo-project", "europe-west1").iterateAll()));
    assertEquals(1, routers.size());
    assertEquals(1, routers.get(0).getNatsCount());
    assertEquals(
        List.of("conn-subnet"),
        toList(local.clients().subnetworks().list("demo-project", "europe-west1").iterateAll())
            .stream()
            .filter(s -> s.getNetwork().endsWith("/runwire-net"))
            .map(s -> s.getName())
            .toList());
    local.cloud().resetLog();

    assertEquals(ExitCode.OK.code(), execution("exec-c", request));
    assertEquals(List.of(), JobRunTest.changes(local.cloud()));
  }

  private static int execution(String id, JsonObject request) {
    Map<String, String> env = new HashMap<>();
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.02S");
    env.put("RUNWIRE_REQUEST", request.toString());
    env.put("CLOUD_RUN_EXECUTION", id);
    JobOutput output = new JobOutput();
    int code = local.job(output, env).run();
    if (code != ExitCode.OK.code()) {
      System.err.println(id + ":\n" + output.stdout() + output.stderr());
    }
    return code;
  }

  private static <T> List<T> toList(Iterable<T> items) {
    return StreamSupport.stream(items.spliterator(), false).toList();
  }

  private static long count(Iterable<?> items) {
    return StreamSupport.stream(items.spliterator(), false).count();
  }
}
