package dev.runwire.job.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisProbeTest {

  @Test
  void nothingListeningIsRefusedNotAnOtherError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new RedisProbe(
                Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(port)),
                new PrintStream(out, true, StandardCharsets.UTF_8))
            .run();
    assertEquals(ProbeResult.REFUSED.exitCode(), code, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void missingHostIsAConfigurationError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new RedisProbe(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)).run();
    assertEquals(ProbeResult.CONFIG.exitCode(), code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("REDIS_HOST"));
  }
}
