package dev.runwire.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void aPickedPortAcceptsNothingUntilSomethingListens() throws Exception {
    int port = FreePorts.pick();
    assertFalse(FreePorts.accepts(port));
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertTrue(FreePorts.accepts(port));
      assertTrue(FreePorts.awaitListening(port, Duration.ofSeconds(1), null));
    }
  }

  @Test
  void aFreePreferredPortIsKeptAndATakenOneReplaced() throws Exception {
    int free = FreePorts.pick();
    assertEquals(free, FreePorts.pick(free));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertNotEquals(taken.getLocalPort(), FreePorts.pick(taken.getLocalPort()));
    }
  }
}
