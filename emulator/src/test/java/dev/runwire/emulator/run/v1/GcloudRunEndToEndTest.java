package dev.runwire.emulator.run.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.GcloudSettings;
import dev.runwire.emulator.fixtures.EnvEchoServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code gcloud run} against the local cloud, configured only by {@link GcloudSettings}
 * (what {@code --keep-running}'s env file exports). Skipped only where the Cloud SDK is absent.
 */
class GcloudRunEndToEndTest {

  private static final String PROJECT = "gcloud-e2e";
  private static final String REGION = "us-central1";
  private static final String V2 = "/v2/projects/" + PROJECT + "/locations/" + REGION;
  private static final String APP = "local/env-echo";

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b ->
              b.profile("instant")
                  .imageCommand(APP, javaMain(EnvEchoServer.class))
                  .imageCommand("local/task", List.of("bash", "-c", "env > \"$OUT/task.env\""))
                  .imageCommand("local/failing", List.of("false")));

  @TempDir static Path home;
  private static RunV1Http http;
  private static Path gcloud;

  @BeforeAll
  static void start() {
    gcloud = onPath("gcloud").orElse(null);
    http = new RunV1Http(local.cloud().baseUrl());
  }

  @Test
  void jobsExecuteWaitsForTheExecutionAndListAndDescribeShowIt() throws Exception {
    requireGcloud();
    createJob("runwire-job", "local/task", 3);

    Result execute =
        gcloud(
            "run",
            "jobs",
            "execute",
            "runwire-job",
            "--region",
            REGION,
            "--wait",
            "--update-env-vars=^##^RUNWIRE_REQUEST={\"requestId\":\"r1\",\"mode\":\"plan\"}");

    assertEquals(0, execute.exit(), execute.toString());
    assertTrue(execute.err().contains("has successfully completed"), execute.toString());
    String env = Files.readString(home.resolve("task.env"));
    assertTrue(
        env.contains("RUNWIRE_REQUEST={\"requestId\":\"r1\",\"mode\":\"plan\"}"),
        "the override reached the task: " + env);

    Result list =
        gcloud(
            "run",
            "jobs",
            "executions",
            "list",
            "--region",
            REGION,
            "--job",
            "runwire-job",
            "--format=value(metadata.name)");
    assertEquals(0, list.exit(), list.toString());
    String execution = list.out().trim();
    assertTrue(execution.startsWith("runwire-job-"), list.toString());

    Result describe =
        gcloud(
            "run",
            "jobs",
            "executions",
            "describe",
            execution,
            "--region",
            REGION,
            "--format=value(status.succeededCount)");
    assertEquals(0, describe.exit(), describe.toString());
    assertEquals("1", describe.out().trim());
  }

  @Test
  void jobsExecuteWaitExitsNonZeroWhenTheExecutionFails() throws Exception {
    requireGcloud();
    createJob("failing-job", "local/failing", 0);

    Result execute = gcloud("run", "jobs", "execute", "failing-job", "--region", REGION, "--wait");

    assertNotEquals(0, execute.exit(), execute.toString());
    assertTrue(execute.err().contains("The execution failed"), execute.toString());
  }

  @Test
  void deployUpdateDescribeAndListAServiceLikeTheSeeds() throws Exception {
    requireGcloud();
    createConnector("conn-e2e", "10.8.0.0/28");

    Result deploy =
        gcloud(
            "run",
            "deploy",
            "counter",
            "--image",
            APP,
            "--region",
            REGION,
            "--vpc-connector",
            "conn-e2e",
            "--vpc-egress",
            "all-traffic");
    assertEquals(0, deploy.exit(), deploy.toString());
    JsonObject vpc = v2Service("counter").getAsJsonObject("template").getAsJsonObject("vpcAccess");
    assertEquals(
        "projects/" + PROJECT + "/locations/" + REGION + "/connectors/conn-e2e",
        vpc.get("connector").getAsString());
    assertEquals("ALL_TRAFFIC", vpc.get("egress").getAsString());

    Result direct =
        gcloud(
            "run",
            "services",
            "update",
            "counter",
            "--region",
            REGION,
            "--network",
            "default",
            "--subnet",
            "default",
            "--vpc-egress",
            "private-ranges-only",
            "--clear-vpc-connector");
    assertEquals(0, direct.exit(), direct.toString());
    vpc = v2Service("counter").getAsJsonObject("template").getAsJsonObject("vpcAccess");
    assertTrue(vpc.has("networkInterfaces") && !vpc.has("connector"), vpc.toString());
    assertEquals("PRIVATE_RANGES_ONLY", vpc.get("egress").getAsString());

    Result env =
        gcloud(
            "run",
            "services",
            "update",
            "counter",
            "--region",
            REGION,
            "--update-env-vars",
            "REDIS_HOST=10.0.0.3,REDIS_PORT=6379");
    assertEquals(0, env.exit(), env.toString());
    String template = v2Service("counter").getAsJsonObject("template").toString();
    assertTrue(template.contains("REDIS_HOST") && template.contains("6379"), template);

    Result describe =
        gcloud(
            "run",
            "services",
            "describe",
            "counter",
            "--region",
            REGION,
            "--format=value(status.url,status.latestReadyRevisionName)");
    assertEquals(0, describe.exit(), describe.toString());
    assertTrue(describe.out().contains("http://127.0.0.1:"), describe.toString());
    assertTrue(describe.out().contains("counter-00003-"), "three revisions: " + describe);

    Result list =
        gcloud("run", "services", "list", "--region", REGION, "--format=value(metadata.name)");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.out().lines().anyMatch("counter"::equals), list.toString());
  }

  // ---- helpers ----

  record Result(int exit, String out, String err) {}

  private static void requireGcloud() {
    assumeTrue(
        gcloud != null,
        "the Cloud SDK is not installed (no gcloud on PATH): skipping the gcloud end-to-end test;"
            + " RunV1ContractTest still checks the surface");
  }

  private static Result gcloud(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(gcloud.toString());
    command.addAll(List.of(args));
    command.add("--project=" + PROJECT);
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    Path token = home.resolve("token");
    Files.writeString(token, "local-cloud-needs-no-token\n");
    env.putAll(GcloudSettings.environment(local.cloud().baseUrl(), token));
    env.put("CLOUDSDK_CONFIG", home.resolve("gcloud-config").toString());
    env.put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
    env.put("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "1");
    env.put("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true");
    Path out = Files.createTempFile(home, "gcloud", ".out");
    Path err = Files.createTempFile(home, "gcloud", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void createJob(String id, String image, int maxRetries) throws Exception {
    RunV1Http.Answer created =
        http.direct(
            "POST",
            V2 + "/jobs?jobId=" + id,
            RunV1Http.json(
                "{\"template\":{\"template\":{\"maxRetries\":"
                    + maxRetries
                    + ",\"containers\":[{\"image\":\""
                    + image
                    + "\",\"env\":[{\"name\":\"OUT\",\"value\":\""
                    + home
                    + "\"}]}]}}}"));
    assertEquals(200, created.status(), created.body().toString());
  }

  private static void createConnector(String id, String range) throws Exception {
    RunV1Http.Answer created =
        http.direct(
            "POST",
            "/v1/projects/" + PROJECT + "/locations/" + REGION + "/connectors?connectorId=" + id,
            RunV1Http.json(
                "{\"network\":\"default\",\"ipCidrRange\":\""
                    + range
                    + "\",\"minInstances\":2,\"maxInstances\":3}"));
    assertEquals(200, created.status(), created.body().toString());
  }

  private static JsonObject v2Service(String id) throws Exception {
    return http.direct("GET", V2 + "/services/" + id, null).body();
  }

  private static List<String> javaMain(Class<?> main) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        main.getName());
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
