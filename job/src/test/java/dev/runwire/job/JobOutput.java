package dev.runwire.job;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a job run printed: stdout (one Cloud Logging JSON line per event) and stderr. */
final class JobOutput {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
  final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Every log line, parsed. */
  List<JsonObject> lines() {
    return stdout()
        .lines()
        .filter(l -> l.startsWith("{"))
        .map(l -> JsonParser.parseString(l).getAsJsonObject())
        .toList();
  }

  /** The events of the log lines whose type is {@code type}. */
  List<JsonObject> events(String type) {
    return lines().stream()
        .filter(l -> type.equals(l.get("type").getAsString()))
        .map(l -> l.getAsJsonObject("event"))
        .toList();
  }
}
