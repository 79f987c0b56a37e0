package dev.runwire.emulator.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compute as any REST client (curl, gcloud, terraform) sees it: plain JSON over HTTP. */
class ComputePlainHttpTest {

  private static final String LINK_BASE = "https://www.googleapis.com/compute/v1/";

  private static LocalCloud cloud;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    cloud =
        LocalCloud.builder()
            .profile("instant")
            .duration("compute.network", Duration.ofMillis(200))
            .start();
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /** The local path of a self link: same path as on compute.googleapis.com. */
  private static String pathOf(String selfLink) {
    return "/compute/v1/" + selfLink.substring(LINK_BASE.length());
  }

  @Test
  void insertAnswersAnOperationThatIsPolledToDone() throws Exception {
    HttpResponse<String> inserted =
        send(
            "POST",
            "/compute/v1/projects/plain-project/global/networks",
            "{\"name\":\"plain\",\"autoCreateSubnetworks\":false}");
    assertEquals(200, inserted.statusCode(), inserted.body());
    JsonObject op = json(inserted);
    assertEquals("compute#operation", op.get("kind").getAsString());
    assertEquals("PENDING", op.get("status").getAsString());
    assertTrue(op.get("id").isJsonPrimitive() && op.get("id").getAsJsonPrimitive().isString());
    assertTrue(op.get("targetLink").getAsString().endsWith("/global/networks/plain"));

    String path = pathOf(op.get("selfLink").getAsString());
    assertTrue(path.startsWith("/compute/v1/projects/plain-project/global/operations/"), path);
    JsonObject polled = op;
    for (int i = 0; i < 100 && !polled.get("status").getAsString().equals("DONE"); i++) {
      Thread.sleep(20);
      polled = json(send("GET", path, null));
    }
    assertEquals("DONE", polled.get("status").getAsString());
    assertTrue(!polled.has("httpErrorStatusCode") && !polled.has("error"), polled.toString());

    JsonObject network =
        json(send("GET", "/compute/v1/projects/plain-project/global/networks/plain", null));
    assertEquals("compute#network", network.get("kind").getAsString());
    assertEquals(false, network.get("autoCreateSubnetworks").getAsBoolean());

    JsonObject waited = json(send("POST", path + "/wait", null));
    assertEquals("DONE", waited.get("status").getAsString());
  }

  @Test
  void enumsSentAsNumbersAreAnsweredAsNames() throws Exception {
    // 35607499 is EXTERNAL in the Address.AddressType enum.
    HttpResponse<String> inserted =
        send(
            "POST",
            "/compute/v1/projects/plain-project/regions/us-central1/addresses",
            "{\"name\":\"numbered\",\"addressType\":35607499}");
    assertEquals(200, inserted.statusCode(), inserted.body());
    JsonObject address =
        json(
            send(
                "GET",
                "/compute/v1/projects/plain-project/regions/us-central1/addresses/numbered",
                null));
    assertEquals("EXTERNAL", address.get("addressType").getAsString());
    assertEquals("RESERVED", address.get("status").getAsString());
  }

  @Test
  void errorsHaveGoogleShapeAndUnknownFieldsAreRefused() throws Exception {
    HttpResponse<String> missing =
        send("GET", "/compute/v1/projects/plain-project/global/firewalls/ghost", null);
    assertEquals(404, missing.statusCode());
    JsonObject error = json(missing).getAsJsonObject("error");
    assertEquals(404, error.get("code").getAsInt());
    assertEquals(
        "notFound",
        error.getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString());

    HttpResponse<String> unknown =
        send(
            "POST",
            "/compute/v1/projects/plain-project/global/networks",
            "{\"name\":\"x\",\"autoCreateSubnetworks\":false,\"colour\":\"blue\"}");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("colour"), unknown.body());

    HttpResponse<String> patched =
        send(
            "PATCH",
            "/compute/v1/projects/plain-project/regions/us-central1/subnetworks/default",
            "{\"description\":\"no fingerprint\"}");
    assertEquals(412, patched.statusCode());
    assertTrue(patched.body().contains("conditionNotMet"), patched.body());
  }
}
