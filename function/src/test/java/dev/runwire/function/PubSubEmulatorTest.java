package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.cloud.PubSubEventSink;
import dev.runwire.schemas.events.AcceptedEvent;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubSubEmulatorTest {

  @Test
  void eventPublishedThroughTheSinkIsPulledWithItsCloudEventAttributes() throws Exception {
    String port;
    try (PubSubEmulator pubsub =
        PubSubEmulator.start(Path.of("target", "pubsub-emulator-test.log"))) {
      port = pubsub.hostPort();
      pubsub.createTopic("projects/p/topics/runwire-events");
      pubsub.createSubscription(
          "projects/p/subscriptions/all-events", "projects/p/topics/runwire-events");
      try (PubSubEventSink sink =
          PubSubEventSink.open(
              "projects/p/topics/runwire-events",
              "//run.googleapis.com/projects/p/locations/r/services/f",
              CloudEndpoints.local("http://127.0.0.1:1", pubsub.hostPort()))) {
        sink.publish(
            new AcceptedEvent(
                null,
                "r-1",
                "m-1",
                "apply",
                "projects/p/locations/r/jobs/j/executions/e",
                1,
                false,
                Instant.now()));
        sink.flush();
      }

      List<PubSubEmulator.Received> received =
          pubsub.await("projects/p/subscriptions/all-events", 1, Duration.ofSeconds(10));

      assertEquals(1, received.size());
      assertEquals("dev.runwire.request.accepted.v1", received.get(0).attributes().get("ce-type"));
      assertEquals("r-1", received.get(0).orderingKey());
    }
    String[] hostPort = port.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 500);
      assertFalse(true, "the emulator still listens after close()");
    } catch (java.io.IOException expected) {
      // stopped
    }
  }
}
