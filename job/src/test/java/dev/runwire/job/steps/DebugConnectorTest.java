package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.vpcaccess.v1.Connector;
import dev.runwire.job.testing.TestRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebugConnectorTest {
  @Test
  void debug() throws Exception {
    try (CloudHarness h = new CloudHarness()) {
      h.clients.networks().insertAsync("demo-project", Network.newBuilder().setName("runwire-net").setAutoCreateSubnetworks(false).build()).get();
      h.runSteps(TestRequests.connector(false), EGRESS_SUBNET, VPC_CONNECTOR);
      try {
        System.out.println("OP " + h.clients.connectorUpdates().update(Connector.newBuilder().setName("projects/demo-project/locations/europe-west1/connectors/run-conn").setMaxInstances(5).setMinInstances(2).setMachineType("e2-micro").build(), List.of("maxInstances")));
      } catch (Throwable t) {
        t.printStackTrace(System.out);
      }
      System.out.println("LOG " + h.cloud.requestLog());
    }
  }
}
