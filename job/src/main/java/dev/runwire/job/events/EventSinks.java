package dev.runwire.job.events;

import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.cloud.CloudLoggingEventSink;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.cloud.PubSubEventSink;
import dev.runwire.schemas.cloud.StructuredLog;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses where events go: the events topic when one is configured, plus a live view on a terminal,
 * or else one Cloud Logging JSON line per event on stdout.
 */
public final class EventSinks {

  private EventSinks() {}

  /** The sinks of one job run; {@code liveView} is null without a terminal. */
  public record Chosen(EventSink all, LiveConsoleView liveView) {}

  public static Chosen choose(
      String topic, String source, CloudEndpoints endpoints, boolean terminal, PrintStream out) {
    List<EventSink> sinks = new ArrayList<>();
    if (topic != null && !topic.isBlank()) {
      sinks.add(PubSubEventSink.open(topic.trim(), source, endpoints));
    }
    LiveConsoleView view = null;
    if (terminal) {
      view = new LiveConsoleView(out, Clock.systemUTC());
      sinks.add(view);
    } else {
      sinks.add(
          new CloudLoggingEventSink(new StructuredLog(out, Clock.systemUTC(), "runwire-job")));
    }
    return new Chosen(new FanOutEventSink(sinks), view);
  }
}
