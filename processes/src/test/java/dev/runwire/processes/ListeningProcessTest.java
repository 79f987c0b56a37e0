package dev.runwire.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningProcessTest {

  @TempDir Path logs;

  /** Stand-ins for what the child would bind: this JVM listens on the port the child was given. */
  private final List<ServerSocket> listening = new ArrayList<>();

  private final List<Integer> ports = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (ServerSocket s : listening) {
      s.close();
    }
  }

  @Test
  void aProcessThatExitsBeforeListeningIsStartedAgainOnAnotherPort() {
    try (ListeningProcess child =
        ListeningProcess.start(
            "the server",
            port -> {
              ports.add(port);
              if (ports.size() == 1) {
                // as when another process took the port first
                return logged(
                    new ProcessBuilder("sh", "-c", "echo 'in use'; exit 1"), "server.log");
              }
              listenOn(port);
              return logged(new ProcessBuilder("sleep", "30"), "server.log");
            },
            logs.resolve("server.log"),
            Duration.ofSeconds(10),
            3)) {
      assertEquals(2, ports.size(), ports.toString());
      assertEquals(ports.get(1), child.port());
      assertTrue(child.process().isAlive());
    }
  }

  @Test
  void whenNoAttemptListensTheLastFailureIsThrownAndNothingIsLeftRunning() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ListeningProcess.start(
                    "the broken server",
                    port -> {
                      ports.add(port);
                      return logged(
                          new ProcessBuilder("sh", "-c", "echo 'bad flag'; exit 2"), "broken.log");
                    },
                    logs.resolve("broken.log"),
                    Duration.ofSeconds(10),
                    3));

    assertEquals(3, ports.size());
    assertTrue(e.getMessage().startsWith("the broken server exited with code 2"), e.getMessage());
    assertTrue(e.getMessage().contains(": bad flag (log: "), e.getMessage());
  }

  private ProcessBuilder logged(ProcessBuilder builder, String log) {
    return builder.redirectErrorStream(true).redirectOutput(logs.resolve(log).toFile());
  }

  private void listenOn(int port) {
    try {
      listening.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
