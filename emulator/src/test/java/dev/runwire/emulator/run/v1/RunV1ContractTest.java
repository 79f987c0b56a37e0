package dev.runwire.emulator.run.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.run.v1.RunV1Http.Answer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cloud Run Admin v1 as gcloud sends it (absolute-form requests to the proxy port, the region in
 * the host), checked against what the v2 surface shows for the same resources.
 */
class RunV1ContractTest {

  private static final String REGION = "us-central1";
  private static final String V2 = "/v2/projects/v1-project/locations/" + REGION;
  private static final String SERVING = "/apis/serving.knative.dev/v1/namespaces/v1-project";
  private static final String RUN = "/apis/run.googleapis.com/v1/namespaces/v1-project";

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(b -> b.profile("instant").imageCommand("local/true", List.of("true")));

  private static RunV1Http http;

  @BeforeAll
  static void start() {
    http = new RunV1Http(local.cloud().baseUrl());
  }

  @Test
  void v1JobIsTheProjectionOfTheV2Job() throws Exception {
    createJob("projected-job");

    Answer job = http.v1("GET", REGION, RUN + "/jobs/projected-job", null);

    assertEquals(200, job.status(), job.body().toString());
    JsonObject body = job.body();
    assertEquals("run.googleapis.com/v1", body.get("apiVersion").getAsString());
    assertEquals("Job", body.get("kind").getAsString());
    JsonObject meta = body.getAsJsonObject("metadata");
    assertEquals("projected-job", meta.get("name").getAsString());
    assertEquals(
        REGION, meta.getAsJsonObject("labels").get("cloud.googleapis.com/location").getAsString());
    String image =
        body.getAsJsonObject("spec")
            .getAsJsonObject("template")
            .getAsJsonObject("spec")
            .getAsJsonObject("template")
            .getAsJsonObject("spec")
            .getAsJsonArray("containers")
            .get(0)
            .getAsJsonObject()
            .get("image")
            .getAsString();
    assertEquals("local/true", image);
    JsonObject ready =
        body.getAsJsonObject("status").getAsJsonArray("conditions").get(0).getAsJsonObject();
    assertEquals("Ready", ready.get("type").getAsString());
    assertEquals("True", ready.get("status").getAsString());
  }

  @Test
  void v1RunAnswersTheExecutionAndItIsFoundWithoutItsJob() throws Exception {
    createJob("run-job");
    JsonObject request =
        RunV1Http.json(
            "{\"overrides\":{\"containerOverrides\":[{\"env\":[{\"name\":\"RUNWIRE_REQUEST\","
                + "\"value\":\"{\\\"a\\\":1}\"}]}]}}");

    Answer run = http.v1("POST", REGION, RUN + "/jobs/run-job:run", request);

    assertEquals(200, run.status(), run.body().toString());
    assertEquals("Execution", run.body().get("kind").getAsString());
    String name = run.body().getAsJsonObject("metadata").get("name").getAsString();
    assertTrue(name.startsWith("run-job-"), name);
    Answer got = http.v1("GET", REGION, RUN + "/executions/" + name, null);
    assertEquals(200, got.status(), got.body().toString());
    String env =
        got.body()
            .getAsJsonObject("spec")
            .getAsJsonObject("template")
            .getAsJsonObject("spec")
            .getAsJsonArray("containers")
            .get(0)
            .getAsJsonObject()
            .getAsJsonArray("env")
            .toString();
    assertTrue(env.contains("RUNWIRE_REQUEST"), env);
    Answer listed =
        http.v1(
            "GET",
            REGION,
            RUN + "/executions?labelSelector=run.googleapis.com/job%3Drun-job",
            null);
    assertEquals(1, listed.body().getAsJsonArray("items").size(), listed.body().toString());
    Answer v2 = http.direct("GET", V2 + "/jobs/run-job/executions/" + name, null);
    assertEquals(200, v2.status(), "the v1 execution is the v2 one: " + v2.body());
  }

  @Test
  void v1CreateAndReplaceChangeTheOneV2Service() throws Exception {
    JsonObject service =
        RunV1Http.json(
            "{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\","
                + "\"metadata\":{\"name\":\"v1-svc\",\"annotations\":{"
                + "\"run.googleapis.com/ingress\":\"internal\"}},"
                + "\"spec\":{\"template\":{\"metadata\":{\"annotations\":{"
                + "\"run.googleapis.com/vpc-access-egress\":\"all-traffic\","
                + "\"run.googleapis.com/network-interfaces\":"
                + "\"[{\\\"network\\\":\\\"default\\\",\\\"subnetwork\\\":\\\"default\\\"}]\"}},"
                + "\"spec\":{\"containers\":[{\"image\":\"local/true\"}]}}}}");

    Answer created = http.v1("POST", REGION, SERVING + "/services", service);

    assertEquals(200, created.status(), created.body().toString());
    JsonObject v2 = http.direct("GET", V2 + "/services/v1-svc", null).body();
    assertEquals("INGRESS_TRAFFIC_INTERNAL_ONLY", v2.get("ingress").getAsString());
    JsonObject vpc = v2.getAsJsonObject("template").getAsJsonObject("vpcAccess");
    assertEquals("ALL_TRAFFIC", vpc.get("egress").getAsString());
    assertEquals(
        "default",
        vpc.getAsJsonArray("networkInterfaces")
            .get(0)
            .getAsJsonObject()
            .get("subnetwork")
            .getAsString());

    JsonObject current = http.v1("GET", REGION, SERVING + "/services/v1-svc", null).body();
    current
        .getAsJsonObject("spec")
        .getAsJsonObject("template")
        .getAsJsonObject("spec")
        .getAsJsonArray("containers")
        .get(0)
        .getAsJsonObject()
        .add(
            "env",
            RunV1Http.json("{\"e\":[{\"name\":\"REDIS_HOST\",\"value\":\"10.0.0.3\"}]}")
                .getAsJsonArray("e"));
    Answer replaced = http.v1("PUT", REGION, SERVING + "/services/v1-svc", current);

    assertEquals(200, replaced.status(), replaced.body().toString());
    JsonObject after = http.direct("GET", V2 + "/services/v1-svc", null).body();
    assertEquals("2", after.get("generation").getAsString());
    assertTrue(after.getAsJsonObject("template").toString().contains("REDIS_HOST"));
    assertEquals(
        "ALL_TRAFFIC",
        after.getAsJsonObject("template").getAsJsonObject("vpcAccess").get("egress").getAsString(),
        "what v1 did not change stays");
    Answer listed = http.v1("GET", REGION, SERVING + "/services", null);
    assertTrue(listed.body().getAsJsonArray("items").toString().contains("\"v1-svc\""));
  }

  @Test
  void unknownServiceIsNotFoundInGooglesErrorShape() throws Exception {
    Answer missing = http.v1("GET", REGION, SERVING + "/services/nope", null);

    assertEquals(404, missing.status());
    assertEquals("NOT_FOUND", missing.body().getAsJsonObject("error").get("status").getAsString());
  }

  @Test
  void badEgressAnnotationNamesTheAnnotationAndTheValues() throws Exception {
    JsonObject service =
        RunV1Http.json(
            "{\"metadata\":{\"name\":\"bad-egress\"},\"spec\":{\"template\":{\"metadata\":"
                + "{\"annotations\":{\"run.googleapis.com/vpc-access-egress\":\"everything\"}},"
                + "\"spec\":{\"containers\":[{\"image\":\"local/true\"}]}}}}");

    Answer bad = http.v1("POST", REGION, SERVING + "/services", service);

    assertEquals(400, bad.status());
    String message = bad.body().getAsJsonObject("error").get("message").getAsString();
    assertTrue(message.contains("run.googleapis.com/vpc-access-egress"), message);
    assertTrue(message.contains("all-traffic"), message);
  }

  @Test
  void requestWithoutARegionalHostIsRejectedWithTheFix() throws Exception {
    Answer global = http.direct("GET", RUN + "/jobs", null);

    assertEquals(400, global.status());
    String message = global.body().getAsJsonObject("error").get("message").getAsString();
    assertTrue(message.contains("REGION-run"), message);
  }

  private static void createJob(String id) throws Exception {
    Answer created =
        http.direct(
            "POST",
            V2 + "/jobs?jobId=" + id,
            RunV1Http.json(
                "{\"template\":{\"template\":{\"containers\":[{\"image\":\"local/true\"}]}}}"));
    assertEquals(200, created.status(), created.body().toString());
  }
}
