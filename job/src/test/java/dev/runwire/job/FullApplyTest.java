package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.VpcAccess;
import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole apply for each egress shape, then the same request again: the second run must find
 * everything as desired and make no mutating request at all.
 */
class FullApplyTest {

  static final String PROJECT = "demo-project";
  static final String REGION = "europe-west1";

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void start() {
    cloud = JobRunTest.startCloud();
    clients = clientsOf(cloud);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @BeforeEach
  void freshProjectWithACustomNetwork() throws Exception {
    cloud.reset();
    createCustomNetwork(clients, "runwire-net");
    cloud.resetLog();
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of("direct-vpc", false),
        Arguments.of("direct-vpc", true),
        Arguments.of("connector", false),
        Arguments.of("connector", true));
  }

  @ParameterizedTest(name = "{0}, static egress IP {1}")
  @MethodSource("shapes")
  void applyWiresEverythingAndASecondApplyChangesNothing(String mode, boolean staticIp) {
    JsonObject request =
        mode.equals("connector")
            ? TestRequests.connectorJson(staticIp)
            : TestRequests.directVpcJson(staticIp);
    JobOutput first = new JobOutput();

    int code = JobRunTest.run(cloud, request, first);

    assertEquals(ExitCode.OK.code(), code, first.stdout() + first.stderr());
    JobRunTest.assertEventsMatchTheirSchemas(first);
    JsonObject verify = JobRunTest.stepEnd(first, "verify");
    assertEquals("succeeded", verify.get("status").getAsString(), verify.toString());
    JsonObject outputs = verify.getAsJsonObject("outputs");
    Service service =
        clients
            .services()
            .getService("projects/demo-project/locations/europe-west1/services/visitor-counter");
    VpcAccess vpc = service.getTemplate().getVpcAccess();
    assertEquals(VpcAccess.VpcEgress.ALL_TRAFFIC, vpc.getEgress());
    if (mode.equals("connector")) {
      assertEquals(
          "projects/demo-project/locations/europe-west1/connectors/run-conn", vpc.getConnector());
      assertEquals(0, vpc.getNetworkInterfacesCount());
    } else {
      assertEquals("", vpc.getConnector());
      assertEquals("run-egress", vpc.getNetworkInterfaces(0).getSubnetwork());
    }
    if (staticIp) {
      String ip =
          clients.addresses().get(PROJECT, REGION, "visitor-counter-egress-ip").getAddress();
      assertEquals(ip, outputs.get("egressIp").getAsString());
      Router router = clients.routers().get(PROJECT, REGION, "visitor-counter-router");
      assertEquals("visitor-counter-nat", router.getNats(0).getName());
      assertTrue(
          router
              .getNats(0)
              .getSubnetworks(0)
              .getName()
              .endsWith(mode.equals("connector") ? "/conn-subnet" : "/run-egress"));
    } else {
      assertTrue(!outputs.has("egressIp"));
    }
    assertEquals(service.getUri(), outputs.get("serviceUrl").getAsString());
    cloud.resetLog();

    JobOutput second = new JobOutput();
    assertEquals(ExitCode.OK.code(), JobRunTest.run(cloud, request, second), second.stdout());

    List<RecordedRequest> mutations = JobRunTest.changes(cloud);
    assertEquals(List.of(), mutations, "a second apply must not change anything");
    JsonObject counts = second.events("dev.runwire.run.v1").get(0).getAsJsonObject("counts");
    assertEquals(
        counts.get("steps").getAsInt(), counts.get("unchanged").getAsInt(), counts.toString());
  }

  static CloudClients clientsOf(LocalCloud cloud) {
    return new CloudClients(
        CloudEndpoints.local(cloud.baseUrl(), null),
        WaitPolicy.of(Duration.ofMillis(20), Duration.ofSeconds(60)));
  }

  static void createCustomNetwork(CloudClients clients, String name) throws Exception {
    clients
        .networks()
        .insertAsync(
            PROJECT, Network.newBuilder().setName(name).setAutoCreateSubnetworks(false).build())
        .get();
  }
}
