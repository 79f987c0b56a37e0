package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.JobCommand;
import dev.runwire.job.testing.TestRequests;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as Cloud Run runs it: a child JVM, killed (SIGKILL) while the Redis instance and
 * the connector are still being created, then run again. The second run waits on what the first
 * started instead of creating it again, and converges.
 */
class KilledMidwayIT {

  static LocalCloud cloud;
  static CloudClients clients;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    cloud =
        LocalCloud.builder()
            .profile("instant")
            .imageCommand(JobConfig.LOCAL_PROBE_IMAGE, JobCommand.onTestClasspath())
            .duration("redis.create", Duration.ofSeconds(4))
            .duration("vpcaccess.create", Duration.ofSeconds(3))
            .start();
    clients = FullApplyTest.clientsOf(cloud);
    FullApplyTest.createCustomNetwork(clients, "runwire-net");
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @Test
  void aRunKilledMidwayThenRunAgainConvergesWithoutDuplicates() throws Exception {
    JsonObject request = TestRequests.connectorJson(true);
    Path file = dir.resolve("request.json");
    Files.writeString(file, request.toString());
    cloud.resetLog();

    Process first = start(file, "exec-1", dir.resolve("first.log"));
    try {
      waitFor(() -> creates("/instances").size() == 1 && creates("/connectors").size() == 1, first);
    } finally {
      first.destroyForcibly();
      assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    }
    assertEquals(
        "CREATING",
        clients
            .redis()
            .getInstance("projects/demo-project/locations/europe-west1/instances/visitor-cache")
            .getState()
            .name());

    Process second = start(file, "exec-2", dir.resolve("second.log"));
    assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second run hangs");
    assertEquals(
        ExitCode.OK.code(), second.exitValue(), Files.readString(dir.resolve("second.log")));

    assertEquals(1, creates("/instances").size(), "the Redis instance was created twice");
    assertEquals(1, creates("/connectors").size(), "the connector was created twice");
    String location = "projects/demo-project/locations/europe-west1";
    assertEquals(
        1,
        StreamSupport.stream(
                clients.redis().listInstances(location).iterateAll().spliterator(), false)
            .count());
    assertEquals(
        1,
        StreamSupport.stream(
                clients.vpcAccess().listConnectors(location).iterateAll().spliterator(), false)
            .count());
    assertEquals(
        1,
        clients
            .routers()
            .get("demo-project", "europe-west1", "visitor-counter-router")
            .getNatsCount());
    String log = Files.readString(dir.resolve("second.log"));
    assertTrue(
        log.contains("\"step\":\"verify\",\"status\":\"succeeded\"")
            || log.contains("verify succeeded"),
        log);
  }

  private static List<RecordedRequest> creates(String collection) {
    return cloud.requestLog().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith(collection))
        .toList();
  }

  private static Process start(Path request, String execution, Path log) throws Exception {
    String jar = System.getProperty("runwire.job.jar", "target/runwire-job.jar");
    assertTrue(new File(jar).isFile(), "build the shaded jar first: " + jar);
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar,
                "apply",
                request.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    env.put("CLOUD_RUN_EXECUTION", execution);
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/");
    env.remove("RUNWIRE_EVENTS_TOPIC");
    return builder.start();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Process process)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(process.isAlive(), "the first run ended before it could be killed");
      assertTrue(System.nanoTime() < deadline, "the first run never got that far");
      Thread.sleep(20);
    }
  }
}
