package dev.runwire.emulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.cloud.run.v2.VpcAccess;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.OfficialClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cloud Run keeps Direct VPC egress addresses in a subnet while a service uses it and for 1-2 hours
 * after it stops (Direct VPC egress docs: "the subnet cannot be deleted until then"); Compute
 * refuses the subnet's delete with resourceInUseByAnotherResource. The hold is the latency key
 * {@code run.directvpc.release} (90 minutes realistic, scaled by the profile), 2 s here.
 */
class DirectVpcSubnetHoldTest {

  private static final String P = "hold-project";
  private static final String REGION = "us-central1";
  private static final String PARENT = "projects/" + P + "/locations/" + REGION;

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b -> b.profile("instant").duration("run.directvpc.release", Duration.ofSeconds(2)));

  @Test
  void subnetStaysHeldAfterTheServiceMovesAwayOrIsDeleted() throws Exception {
    NetworksClient networks = local.open(OfficialClients::networks);
    SubnetworksClient subnets = local.open(OfficialClients::subnetworks);
    ServicesClient services = local.open(OfficialClients::services);
    networks
        .insertAsync(P, Network.newBuilder().setName("vpc").setAutoCreateSubnetworks(false).build())
        .get();
    for (String[] s : new String[][] {{"egress-a", "10.50.0.0/26"}, {"egress-b", "10.50.1.0/26"}}) {
      subnets
          .insertAsync(
              P,
              REGION,
              Subnetwork.newBuilder()
                  .setName(s[0])
                  .setNetwork("global/networks/vpc")
                  .setIpCidrRange(s[1])
                  .build())
          .get();
    }
    Service created = services.createServiceAsync(PARENT, onSubnet("egress-a"), "app").get();

    JsonObject whileUsed = deleteSubnet("egress-a");
    assertEquals(400, whileUsed.get("httpErrorStatusCode").getAsInt(), whileUsed.toString());
    assertTrue(message(whileUsed).contains("is already being used by '" + created.getName() + "'"));

    services
        .updateServiceAsync(
            UpdateServiceRequest.newBuilder()
                .setService(onSubnet("egress-b").toBuilder().setName(created.getName()))
                .build())
        .get();
    JsonObject afterMove = deleteSubnet("egress-a");
    assertEquals(
        "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
        afterMove
            .getAsJsonObject("error")
            .getAsJsonArray("errors")
            .get(0)
            .getAsJsonObject()
            .get("code")
            .getAsString());
    assertTrue(message(afterMove).contains("addresses are released at "), message(afterMove));
    Instant release =
        Instant.parse(
            message(afterMove)
                .substring(message(afterMove).indexOf("released at ") + 12)
                .replace(")", ""));
    assertTrue(release.isAfter(Instant.now().minusSeconds(1)), release.toString());

    services.deleteServiceAsync(created.getName()).get();
    assertTrue(message(deleteSubnet("egress-b")).contains("addresses are released at "));

    Thread.sleep(Duration.between(Instant.now(), release).toMillis() + 1500);
    assertFalse(deleteSubnet("egress-a").has("httpErrorStatusCode"));
    assertFalse(deleteSubnet("egress-b").has("httpErrorStatusCode"));
  }

  private static Service onSubnet(String subnet) {
    return Service.newBuilder()
        .setTemplate(
            RevisionTemplate.newBuilder()
                .addContainers(Container.newBuilder().setImage("gcr.io/demo/app:1"))
                .setVpcAccess(
                    VpcAccess.newBuilder()
                        .addNetworkInterfaces(
                            VpcAccess.NetworkInterface.newBuilder()
                                .setNetwork("vpc")
                                .setSubnetwork(subnet))))
        .build();
  }

  /** The DONE operation a plain REST delete answers (instant profile). */
  private static JsonObject deleteSubnet(String name) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            local.cloud().baseUrl()
                                + "/compute/v1/projects/"
                                + P
                                + "/regions/"
                                + REGION
                                + "/subnetworks/"
                                + name))
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static String message(JsonObject operation) {
    return operation
        .getAsJsonObject("error")
        .getAsJsonArray("errors")
        .get(0)
        .getAsJsonObject()
        .get("message")
        .getAsString();
  }
}
