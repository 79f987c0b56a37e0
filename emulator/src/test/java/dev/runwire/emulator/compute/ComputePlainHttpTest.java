package dev.runwire.emulator.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.AddressList;
import com.google.cloud.compute.v1.FirewallList;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkList;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterList;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkList;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.ListConnectorsResponse;
import com.google.cloud.vpcaccess.v1.OperationMetadata;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.PlainHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compute as any REST client (curl, gcloud, terraform) sees it: plain JSON over HTTP. */
class ComputePlainHttpTest {

  private static final String LINK_BASE = "https://www.googleapis.com/compute/v1/";

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b -> b.profile("instant").duration("compute.network", Duration.ofMillis(200)));

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    return PlainHttp.send(local.cloud(), method, path, body);
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

  @Test
  void answersParseStrictlyIntoTheOfficialProtos() throws Exception {
    JsonFormat.Parser strict = JsonFormat.parser();
    String base = "/compute/v1/projects/strict-project/";
    strict.merge(send("GET", base + "global/networks/default", null).body(), Network.newBuilder());
    strict.merge(send("GET", base + "global/networks", null).body(), NetworkList.newBuilder());
    strict.merge(
        send("GET", base + "regions/us-central1/subnetworks/default", null).body(),
        Subnetwork.newBuilder());
    strict.merge(
        send("GET", base + "regions/us-central1/subnetworks", null).body(),
        SubnetworkList.newBuilder());
    strict.merge(send("GET", base + "global/firewalls", null).body(), FirewallList.newBuilder());
    String op =
        send("POST", base + "regions/us-central1/addresses", "{\"name\":\"strict\"}").body();
    strict.merge(op, Operation.newBuilder());
    strict.merge(
        send("GET", base + "regions/us-central1/addresses/strict", null).body(),
        Address.newBuilder());
    strict.merge(
        send("GET", base + "regions/us-central1/addresses", null).body(), AddressList.newBuilder());
    String router =
        "{\"name\":\"r\",\"network\":\"global/networks/default\",\"nats\":[{\"name\":\"n\","
            + "\"sourceSubnetworkIpRangesToNat\":\"ALL_SUBNETWORKS_ALL_IP_RANGES\","
            + "\"natIpAllocateOption\":\"MANUAL_ONLY\",\"natIps\":[\"regions/us-central1/addresses/strict\"]}]}";
    assertEquals(200, send("POST", base + "regions/us-central1/routers", router).statusCode());
    strict.merge(
        send("GET", base + "regions/us-central1/routers/r", null).body(), Router.newBuilder());
    strict.merge(
        send("GET", base + "regions/us-central1/routers", null).body(), RouterList.newBuilder());

    String connector =
        send(
                "POST",
                "/v1/projects/strict-project/locations/us-central1/connectors?connectorId=strict",
                "{\"network\":\"default\",\"ipCidrRange\":\"10.8.0.0/28\",\"minInstances\":2,"
                    + "\"maxInstances\":3}")
            .body();
    JsonFormat.Parser withAny =
        JsonFormat.parser()
            .usingTypeRegistry(
                JsonFormat.TypeRegistry.newBuilder()
                    .add(Connector.getDescriptor())
                    .add(OperationMetadata.getDescriptor())
                    .build());
    withAny.merge(connector, com.google.longrunning.Operation.newBuilder());
    strict.merge(
        send("GET", "/v1/projects/strict-project/locations/us-central1/connectors/strict", null)
            .body(),
        Connector.newBuilder());
    strict.merge(
        send("GET", "/v1/projects/strict-project/locations/us-central1/connectors", null).body(),
        ListConnectorsResponse.newBuilder());
  }
}
