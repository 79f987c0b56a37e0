package dev.runwire.schemas.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructuredLogTest {

  @Test
  void entryIsOneJsonLineCloudLoggingReads() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StructuredLog log =
        new StructuredLog(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC));
    Map<String, String> labels = new HashMap<>();
    labels.put("requestId", "r-1");
    labels.put("execution", null);

    log.warning("request rejected: \"quoted\"\nsecond line", labels);

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count());
    JsonObject entry = JsonParser.parseString(text).getAsJsonObject();
    assertEquals("WARNING", entry.get("severity").getAsString());
    assertEquals("request rejected: \"quoted\"\nsecond line", entry.get("message").getAsString());
    assertEquals("2026-11-02T10:00:00Z", entry.get("time").getAsString());
    JsonObject written = entry.getAsJsonObject("logging.googleapis.com/labels");
    assertEquals("r-1", written.get("requestId").getAsString());
    assertFalse(written.has("execution"));
  }
}
