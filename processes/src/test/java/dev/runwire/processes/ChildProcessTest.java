package dev.runwire.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

  @TempDir Path logs;

  @Test
  void aProcessThatExitsBeforeListeningFailsTheWaitWithItsLastLogLine() {
    try (ChildProcess child =
        ChildProcess.start(
            "the broken server",
            List.of("sh", "-c", "echo starting; echo 'port already in use' >&2; exit 3"),
            Map.of(),
            logs.resolve("broken.log"))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> child.awaitPort(FreePorts.pick(), Duration.ofSeconds(10)));
      assertTrue(e.getMessage().startsWith("the broken server exited with code 3"), e.getMessage());
      assertTrue(e.getMessage().contains(": port already in use (log: "), e.getMessage());
    }
  }

  @Test
  void theWaitEndsOnceThePortAccepts() throws IOException {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ChildProcess child =
            ChildProcess.start(
                "a sleeper", List.of("sleep", "30"), Map.of(), logs.resolve("sleep.log"))) {
      child.awaitPort(listening.getLocalPort(), Duration.ofSeconds(5));
      assertTrue(child.isAlive());
    }
  }

  @Test
  void aProcessThatNeverListensFailsTheWaitAfterTheTimeout() {
    try (ChildProcess child =
        ChildProcess.start(
            "a sleeper", List.of("sleep", "30"), Map.of(), logs.resolve("sleep.log"))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> child.awaitPort(FreePorts.pick(), Duration.ofMillis(300)));
      assertTrue(e.getMessage().contains("did not listen on 127.0.0.1:"), e.getMessage());
    }
  }

  @Test
  void closingStopsTheProcessAndItsDescendants() throws Exception {
    ChildProcess child =
        ChildProcess.start(
            "a shell with a child",
            List.of("sh", "-c", "sleep 30 & wait"),
            Map.of(),
            logs.resolve("tree.log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (child.process().descendants().findAny().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<ProcessHandle> descendants = child.process().descendants().toList();
    assertEquals(1, descendants.size());

    child.close();

    assertFalse(child.isAlive());
    assertFalse(descendants.get(0).isAlive());
  }

  @Test
  void theEnvironmentIsAddedToThisProcesssOwn() throws Exception {
    Path log = logs.resolve("env.log");
    try (ChildProcess child =
        ChildProcess.start(
            "env", List.of("sh", "-c", "echo \"$RUNWIRE_X\""), Map.of("RUNWIRE_X", "42"), log)) {
      child.process().waitFor();
      assertEquals("42", child.lastLogLine());
    }
  }
}
