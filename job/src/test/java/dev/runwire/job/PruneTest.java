package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.TestRequests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apply removes what runwire created for the service and the new request no longer needs (what it
 * finds by comparing with the service's runwire.dev/last-applied), after the service moved; plan
 * lists it as delete; what runwire did not create stays.
 */
class PruneTest {

  static final String PROJECT = "demo-project";
  static final String REGION = "europe-west1";
  static final String LOCATION = "projects/demo-project/locations/europe-west1";

  static LocalCloud cloud;
  static CloudClients clients;

  @BeforeAll
  static void start() {
    cloud = JobRunTest.startCloud();
    clients = FullApplyTest.clientsOf(cloud);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cloud.close();
  }

  @BeforeEach
  void freshProjectWithACustomNetwork() throws Exception {
    cloud.reset();
    FullApplyTest.createCustomNetwork(clients, "runwire-net");
    cloud.resetLog();
  }

  @Test
  void switchingFromAConnectorToDirectVpcLeavesNoConnectorAndNoConnectorSubnet() {
    apply(TestRequests.connectorJson(false));
    assertEquals(List.of("run-conn"), connectors());
    JsonObject direct = TestRequests.directVpcJson(false);

    JsonObject plan = direct.deepCopy();
    plan.addProperty("mode", "plan");
    cloud.resetLog();
    JobOutput planned = new JobOutput();
    assertEquals(ExitCode.OK.code(), JobRunTest.run(cloud, plan, planned), planned.stdout());
    JsonObject prune = JobRunTest.stepEnd(planned, "prune");
    assertEquals("delete", prune.get("action").getAsString(), prune.toString());
    String diff = prune.getAsJsonArray("diff").toString();
    assertTrue(
        diff.contains("vpc-connector/run-conn") && diff.contains("egress-subnet/conn-subnet"),
        diff);
    assertEquals(List.of(), JobRunTest.mutations(cloud), "plan changes nothing");

    JobOutput switched = apply(direct);

    assertEquals("delete", JobRunTest.stepEnd(switched, "prune").get("action").getAsString());
    assertEquals(List.of(), connectors());
    assertEquals(List.of("run-egress"), subnets());
    cloud.resetLog();
    JobOutput again = apply(direct);
    assertEquals(List.of(), JobRunTest.changes(cloud), "a second apply changes nothing");
    assertTrue(
        again.events("dev.runwire.step.v1").stream()
            .noneMatch(e -> e.get("step").getAsString().equals("prune")));

    JsonObject drift = direct.deepCopy();
    drift.addProperty("mode", "drift-check");
    JobOutput checked = new JobOutput();
    assertEquals(ExitCode.OK.code(), JobRunTest.run(cloud, drift, checked), checked.stdout());
  }

  @Test
  void droppingTheStaticEgressIpRemovesNatAddressAndRouter() {
    apply(TestRequests.directVpcJson(true));

    JobOutput dropped = apply(TestRequests.directVpcJson(false));

    JsonObject prune = JobRunTest.stepEnd(dropped, "prune");
    assertEquals("delete", prune.get("action").getAsString(), prune.toString());
    assertEquals(0, count(clients.routers().list(PROJECT, REGION).iterateAll()));
    assertEquals(0, count(clients.addresses().list(PROJECT, REGION).iterateAll()));
    cloud.resetLog();
    apply(TestRequests.directVpcJson(false));
    assertEquals(List.of(), JobRunTest.changes(cloud));
  }

  @Test
  void aLeftoverRunwireDidNotCreateIsKept() throws Exception {
    clients
        .subnetworks()
        .insertAsync(
            PROJECT,
            REGION,
            Subnetwork.newBuilder()
                .setName("conn-subnet")
                .setNetwork("projects/demo-project/global/networks/runwire-net")
                .setIpCidrRange("10.9.0.0/28")
                .build())
        .get();
    clients
        .vpcAccess()
        .createConnectorAsync(
            LOCATION,
            "run-conn",
            Connector.newBuilder()
                .setSubnet(Connector.Subnet.newBuilder().setName("conn-subnet"))
                .setMinInstances(2)
                .setMaxInstances(3)
                .setMachineType("e2-micro")
                .build())
        .get();
    apply(TestRequests.connectorJson(false));
    cloud.resetLog();

    JobOutput switched = apply(TestRequests.directVpcJson(false));

    JsonObject prune = JobRunTest.stepEnd(switched, "prune");
    assertEquals("none", prune.get("action").getAsString(), prune.toString());
    assertTrue(
        prune.get("message").getAsString().contains("kept: not created by runwire"),
        prune.toString());
    List<RecordedRequest> touched =
        JobRunTest.mutations(cloud).stream()
            .filter(r -> r.path().contains("run-conn") || r.path().contains("conn-subnet"))
            .toList();
    assertEquals(List.of(), touched);
    assertEquals(List.of("run-conn"), connectors());
  }

  private static JobOutput apply(JsonObject request) {
    JobOutput output = new JobOutput();
    assertEquals(ExitCode.OK.code(), JobRunTest.run(cloud, request, output), output.stdout());
    return output;
  }

  private static List<String> connectors() {
    List<String> names = new ArrayList<>();
    clients
        .vpcAccess()
        .listConnectors(LOCATION)
        .iterateAll()
        .forEach(c -> names.add(c.getName().substring(c.getName().lastIndexOf('/') + 1)));
    return names;
  }

  /** The subnets of runwire-net (the project's default network has its own). */
  private static List<String> subnets() {
    List<String> names = new ArrayList<>();
    clients
        .subnetworks()
        .list(PROJECT, REGION)
        .iterateAll()
        .forEach(
            s -> {
              if (s.getNetwork().endsWith("/runwire-net")) {
                names.add(s.getName());
              }
            });
    return names;
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
