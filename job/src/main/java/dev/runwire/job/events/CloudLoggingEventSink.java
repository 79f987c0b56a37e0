package dev.runwire.job.events;

import com.google.gson.JsonObject;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import java.io.PrintStream;

/**
 * One JSON line per event in the structured format Cloud Logging reads from a container's stdout:
 * {@code severity}, {@code message}, {@code logging.googleapis.com/labels}, and the event itself
 * under {@code event}.
 */
public final class CloudLoggingEventSink implements EventSink {

  private final PrintStream out;

  public CloudLoggingEventSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void publish(RunwireEvent event) {
    JsonObject line = new JsonObject();
    line.addProperty("severity", EventText.severity(event));
    line.addProperty("message", EventText.line(event));
    JsonObject labels = new JsonObject();
    if (event.requestId() != null) {
      labels.addProperty("requestId", event.requestId());
    }
    if (event instanceof StepEvent step) {
      labels.addProperty("step", step.step());
      labels.addProperty("status", step.status().wire());
      if (step.executionId() != null) {
        labels.addProperty("executionId", step.executionId());
      }
    } else if (event instanceof RunEvent run) {
      labels.addProperty("status", run.status().wire());
      if (run.executionId() != null) {
        labels.addProperty("executionId", run.executionId());
      }
    }
    line.add("logging.googleapis.com/labels", labels);
    line.addProperty("type", event.ceType());
    line.add("event", MessageCodec.toTree(event));
    String text = MessageCodec.toJson(line);
    synchronized (out) {
      out.println(text);
    }
  }

  @Override
  public void flush() {
    out.flush();
  }
}
