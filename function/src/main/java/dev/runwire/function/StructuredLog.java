package dev.runwire.function;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * One JSON object per line on stdout, in the shape Cloud Logging turns into a structured entry:
 * {@code severity}, {@code message}, {@code logging.googleapis.com/labels} (indexed, filterable:
 * requestId, messageId, execution) and any extra payload. Callers pass ids and outcomes only; the
 * request body never goes into a log line.
 */
final class StructuredLog {

  enum Severity {
    DEBUG,
    INFO,
    WARNING,
    ERROR
  }

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final PrintStream out;
  private final Clock clock;

  StructuredLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  static StructuredLog stdout() {
    return new StructuredLog(System.out, Clock.systemUTC());
  }

  void info(String message, Map<String, String> labels) {
    write(Severity.INFO, message, labels, null);
  }

  void warning(String message, Map<String, String> labels) {
    write(Severity.WARNING, message, labels, null);
  }

  void error(String message, Map<String, String> labels) {
    write(Severity.ERROR, message, labels, null);
  }

  /** {@code payload}'s members go next to {@code message} in the entry's jsonPayload. */
  void write(Severity severity, String message, Map<String, String> labels, JsonObject payload) {
    JsonObject entry = new JsonObject();
    entry.addProperty("severity", severity.name());
    entry.addProperty("message", message);
    entry.addProperty("time", clock.instant().toString());
    JsonObject labelObject = new JsonObject();
    labels.forEach(
        (key, value) -> {
          if (value != null) {
            labelObject.addProperty(key, value);
          }
        });
    entry.add("logging.googleapis.com/labels", labelObject);
    entry.addProperty("component", "runwire-function");
    if (payload != null) {
      for (Map.Entry<String, JsonElement> member : payload.entrySet()) {
        entry.add(member.getKey(), member.getValue());
      }
    }
    String line = GSON.toJson(entry);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
