package dev.runwire.function;

import com.google.gson.JsonObject;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RunwireEvent;
import java.util.HashMap;
import java.util.Map;

/** Events as log entries, for a deployment without {@code RUNWIRE_EVENTS_TOPIC}. */
final class LoggingEventSink implements EventSink {

  private final StructuredLog log;

  LoggingEventSink(StructuredLog log) {
    this.log = log;
  }

  @Override
  public void publish(RunwireEvent event) {
    JsonObject payload = new JsonObject();
    payload.add("event", MessageCodec.toTree(event));
    Map<String, String> labels = new HashMap<>();
    labels.put("requestId", event.requestId());
    labels.put("eventType", event.ceType());
    log.write(StructuredLog.Severity.INFO, "event " + event.ceType(), labels, payload);
  }
}
