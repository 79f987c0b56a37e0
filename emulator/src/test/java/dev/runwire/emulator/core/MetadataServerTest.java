package dev.runwire.emulator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.emulator.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metadata server as a Cloud Run container sees it (container contract, "Metadata server"). */
class MetadataServerTest {

  private static final Optional<Workloads.Workload> TASK =
      Optional.of(
          new Workloads.Workload(
              "job task",
              "projects/home/locations/europe-west1/jobs/runwire-job/executions/e/tasks/0",
              "home",
              "europe-west1",
              "",
              VpcAccess.getDefaultInstance()));

  private static String get(String path) {
    MetadataServer.Answer a = MetadataServer.answer(MetadataServer.PREFIX + path, "Google", TASK);
    assertEquals(200, a.status(), a.body());
    return a.body();
  }

  @Test
  void aWorkloadLearnsItsProjectRegionAndAccount() {
    assertEquals("home", get("project/project-id"));
    assertEquals(Long.toString(Projects.number("home")), get("project/numeric-project-id"));
    assertEquals(
        "projects/" + Projects.number("home") + "/regions/europe-west1", get("instance/region"));
    assertEquals(
        Projects.defaultComputeServiceAccount("home"),
        get("instance/service-accounts/default/email"));
    assertEquals(
        404,
        MetadataServer.answer(MetadataServer.PREFIX + "instance/zone", "Google", TASK).status());
  }

  @Test
  void withoutTheFlavorHeaderOrFromOutsideItRefuses() throws Exception {
    try (LocalCloud cloud = LocalCloud.builder().profile("instant").start()) {
      HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
      URI uri = URI.create(cloud.baseUrl() + MetadataServer.PREFIX + "project/project-id");

      HttpResponse<String> bare =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, bare.statusCode());
      assertTrue(bare.body().contains("Missing Metadata-Flavor:Google header"), bare.body());

      HttpResponse<String> outside =
          http.send(
              HttpRequest.newBuilder(uri).header("Metadata-Flavor", "Google").build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, outside.statusCode(), "the test process is no workload of the local cloud");
      assertEquals("Google", outside.headers().firstValue("Metadata-Flavor").orElse(""));
    }
  }
}
