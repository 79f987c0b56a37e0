package dev.runwire.schemas.cloud;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * One JSON object per line on stdout, in the shape Cloud Logging turns into a structured entry
 * (https://cloud.google.com/logging/docs/structured-logging): {@code severity}, {@code message},
 * {@code time}, {@code logging.googleapis.com/labels} (indexed, filterable: requestId, messageId,
 * execution...), the writing {@code component} and any extra payload. The one writer of the
 * function's and the job's log lines. Callers pass ids and outcomes only; a request body or a
 * secret never goes into a log line.
 */
public final class StructuredLog {

  /** Cloud Logging's LogSeverity values that runwire writes. */
  public enum Severity {
    DEBUG,
    INFO,
    NOTICE,
    WARNING,
    ERROR
  }

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final PrintStream out;
  private final Clock clock;
  private final String component;

  /** A log without a {@code component} field. */
  public StructuredLog(PrintStream out, Clock clock) {
    this(out, clock, null);
  }

  /**
   * @param component what wrote the line ({@code runwire-function}, {@code runwire-job}); null for
   *     none
   */
  public StructuredLog(PrintStream out, Clock clock, String component) {
    this.out = out;
    this.clock = clock;
    this.component = component;
  }

  /** This process's stdout, where Cloud Run's agent picks the lines up. */
  public static StructuredLog stdout(String component) {
    return new StructuredLog(System.out, Clock.systemUTC(), component);
  }

  public void info(String message, Map<String, String> labels) {
    write(Severity.INFO, message, labels, null);
  }

  public void warning(String message, Map<String, String> labels) {
    write(Severity.WARNING, message, labels, null);
  }

  public void error(String message, Map<String, String> labels) {
    write(Severity.ERROR, message, labels, null);
  }

  /**
   * Writes one entry; labels whose value is null are left out.
   *
   * @param payload its members go next to {@code message} in the entry's jsonPayload; may be null
   */
  public void write(
      Severity severity, String message, Map<String, String> labels, JsonObject payload) {
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
    if (component != null) {
      entry.addProperty("component", component);
    }
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

  public void flush() {
    out.flush();
  }
}
