package dev.runwire.demo;

import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import java.util.Locale;
import java.util.stream.Collectors;

/** One event as one line, for following every request while the demo keeps running. */
final class EventLine {

  private EventLine() {}

  static String of(RunwireEvent event) {
    String who = event.requestId() == null ? "(no requestId)" : event.requestId();
    if (event instanceof StepEvent e) {
      String line = who + "  " + e.step() + " " + e.status().wire();
      if (e.status() != StepEvent.Status.STARTED
          && e.action() != null
          && e.action() != StepEvent.Action.NONE) {
        line += " " + e.action().name().toLowerCase(Locale.ROOT);
      }
      if (e.durationMs() != null && e.status() != StepEvent.Status.STARTED) {
        line += " in " + e.durationMs() + " ms";
      }
      if (e.error() != null) {
        line += ": " + e.error().code() + ": " + e.error().message();
      } else if (!e.diff().isEmpty()) {
        line +=
            ": "
                + e.diff().stream()
                    .map(d -> d.field() + " " + d.actual() + " -> " + d.desired())
                    .collect(Collectors.joining("; "));
      }
      return line;
    }
    if (event instanceof RunEvent e) {
      return who + "  run " + e.status().wire() + " in " + e.durationMs() + " ms";
    }
    if (event instanceof AcceptedEvent e) {
      return who
          + "  accepted ("
          + e.mode()
          + "), execution "
          + e.execution().substring(e.execution().lastIndexOf('/') + 1)
          + (e.duplicate() ? " already running" : "");
    }
    if (event instanceof RejectedEvent e) {
      return who
          + "  rejected: "
          + e.problems().stream().map(Object::toString).collect(Collectors.joining("; "));
    }
    LaunchFailedEvent e = (LaunchFailedEvent) event;
    return who + "  launch failed (" + e.code() + "): " + e.reason();
  }
}
