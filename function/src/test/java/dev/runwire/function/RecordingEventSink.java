package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.events.RunwireEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what the function publishes, after checking each event against its published JSON Schema
 * (so an event subscribers could not read fails the test that produced it).
 */
final class RecordingEventSink implements EventSink {

  private final List<RunwireEvent> events = new ArrayList<>();
  private int flushes;

  @Override
  public synchronized void publish(RunwireEvent event) {
    List<Problem> problems =
        MessageSchemas.standard().check(event.schemaName(), MessageCodec.toJson(event));
    if (!problems.isEmpty()) {
      throw new AssertionError(event.schemaName() + " does not match its schema: " + problems);
    }
    events.add(event);
  }

  @Override
  public synchronized void flush() {
    flushes++;
  }

  synchronized List<RunwireEvent> events() {
    return List.copyOf(events);
  }

  synchronized int flushes() {
    return flushes;
  }

  /** The only event published, as {@code type}. */
  synchronized <T extends RunwireEvent> T single(Class<T> type) {
    assertEquals(1, events.size(), () -> "expected one event, got " + events);
    return assertInstanceOf(type, events.get(0));
  }

  synchronized void clear() {
    events.clear();
  }
}
