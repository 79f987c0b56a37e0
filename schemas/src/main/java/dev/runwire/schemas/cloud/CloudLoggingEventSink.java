package dev.runwire.schemas.cloud;

import com.google.gson.JsonObject;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.cloud.StructuredLog.Severity;
import dev.runwire.schemas.events.EventText;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events as Cloud Logging entries, for the job without a terminal and for a deployment without an
 * events topic: one {@link StructuredLog} line per event, with the event's severity, a
 * human-readable message, labels to filter on (requestId, eventType, step, status, executionId),
 * the event's {@code type} and the event itself under {@code event}.
 */
public final class CloudLoggingEventSink implements EventSink {

  private final StructuredLog log;

  public CloudLoggingEventSink(StructuredLog log) {
    this.log = log;
  }

  @Override
  public void publish(RunwireEvent event) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("requestId", event.requestId());
    labels.put("eventType", event.ceType());
    if (event instanceof StepEvent step) {
      labels.put("step", step.step());
      labels.put("status", step.status().wire());
      labels.put("executionId", step.executionId());
    } else if (event instanceof RunEvent run) {
      labels.put("status", run.status().wire());
      labels.put("executionId", run.executionId());
    }
    JsonObject payload = new JsonObject();
    payload.addProperty("type", event.ceType());
    payload.add("event", MessageCodec.toTree(event));
    log.write(severity(event), EventText.line(event), labels, payload);
  }

  @Override
  public void flush() {
    log.flush();
  }

  /** Cloud Logging severity: failures are errors, drift and skips warnings. */
  private static Severity severity(RunwireEvent event) {
    if (event instanceof StepEvent step) {
      return switch (step.status()) {
        case FAILED -> Severity.ERROR;
        case DRIFTED, SKIPPED -> Severity.WARNING;
        default -> Severity.INFO;
      };
    }
    if (event instanceof RunEvent run) {
      return switch (run.status()) {
        case FAILED -> Severity.ERROR;
        case DRIFTED -> Severity.WARNING;
        default -> Severity.NOTICE;
      };
    }
    return event instanceof RejectedEvent ? Severity.ERROR : Severity.INFO;
  }
}
