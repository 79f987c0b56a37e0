package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.pubsub.v1.TopicName;
import dev.runwire.emulator.pubsub.PubSubEmulatorJar;
import dev.runwire.emulator.pubsub.PubSubEmulatorMissingException;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PubSubEmulatorProcessTest {

  @TempDir Path logs;

  @Test
  void startedEmulatorServesTopicsAndStopsByPid() {
    ProcessHandle emulator;
    try (PubSubEmulatorProcess pubsub = PubSubEmulatorProcess.start(logs.resolve("pubsub.log"));
        PubSubClients clients = new PubSubClients(pubsub.hostPort());
        TopicAdminClient topics = clients.topicAdmin()) {
      assertTrue(pubsub.hostPort().startsWith("127.0.0.1:"), pubsub.hostPort());
      emulator = ProcessHandle.of(pubsub.pid()).orElseThrow();
      TopicName topic = TopicName.of("runwire-demo", "launcher-check");
      topics.createTopic(topic);
      assertEquals(topic.toString(), topics.getTopic(topic).getName());
    }
    assertFalse(emulator.isAlive(), "the emulator JVM must be gone after close()");
  }

  @Test
  void missingJarIsOneLineNamingWhatToInstall() {
    PubSubEmulatorMissingException e =
        assertThrows(
            PubSubEmulatorMissingException.class,
            () ->
                PubSubEmulatorJar.locate(
                    Map.of(PubSubEmulatorJar.JAR_ENV, logs.resolve("nope.jar").toString())));
    assertTrue(e.getMessage().contains(PubSubEmulatorJar.JAR_ENV), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void jarIsFoundWithoutAnyConfiguration() {
    Path jar = PubSubEmulatorJar.locate(Map.of());
    assertTrue(
        jar.getFileName().toString().matches("cloud-pubsub-emulator-.*-all\\.jar"), jar.toString());
  }
}
