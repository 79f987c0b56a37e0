package dev.runwire.job.events;

import dev.runwire.schemas.cloud.EventPublishException;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RunwireEvent;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each event to every sink; one sink failing does not stop the others. Steps that run at the
 * same time publish from their own threads: one event is handed to all sinks before the next, so
 * the log and the Pub/Sub topic (one ordering key per request) hold the events in the same order.
 */
public final class FanOutEventSink implements EventSink {

  private static final Logger LOG = Logger.getLogger(FanOutEventSink.class.getName());

  private final List<EventSink> sinks;

  public FanOutEventSink(List<EventSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  public List<EventSink> sinks() {
    return sinks;
  }

  @Override
  public synchronized void publish(RunwireEvent event) {
    for (EventSink sink : sinks) {
      try {
        sink.publish(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "an event sink failed: " + e.getMessage());
      }
    }
  }

  /**
   * Flushes every sink.
   *
   * @throws EventPublishException the first delivery failure, after every sink was flushed: the job
   *     must know its events were lost (it republishes the run event, then exits 1)
   */
  @Override
  public void flush() {
    EventPublishException undelivered = null;
    for (EventSink sink : sinks) {
      try {
        sink.flush();
      } catch (EventPublishException e) {
        undelivered = undelivered == null ? e : undelivered;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "an event sink could not flush: " + e.getMessage());
      }
    }
    if (undelivered != null) {
      throw undelivered;
    }
  }

  @Override
  public void close() {
    for (EventSink sink : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "an event sink could not close: " + e.getMessage());
      }
    }
  }
}
