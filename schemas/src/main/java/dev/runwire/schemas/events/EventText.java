package dev.runwire.schemas.events;

import dev.runwire.schemas.events.StepEvent.Status;
import java.util.Locale;
import java.util.stream.Collectors;

/** One human-readable line per event: what a person reads in a log line or on a terminal. */
public final class EventText {

  private EventText() {}

  public static String line(RunwireEvent event) {
    if (event instanceof StepEvent step) {
      StringBuilder text = new StringBuilder();
      if (step.target() != null && step.target().service() != null) {
        text.append('[').append(step.target().service()).append("] ");
      }
      text.append(step.step()).append(' ').append(step.status().wire());
      if (step.action() != null && step.status() != Status.STARTED) {
        text.append(" (").append(step.action().name().toLowerCase(Locale.ROOT)).append(')');
      }
      if (step.durationMs() != null) {
        text.append(" in ").append(step.durationMs()).append(" ms");
      }
      if (step.message() != null && step.status() != Status.STARTED) {
        text.append(": ").append(step.message());
      }
      if (!step.diff().isEmpty()) {
        text.append(" [")
            .append(
                step.diff().stream()
                    .map(d -> d.field() + ": " + d.actual() + " -> " + d.desired())
                    .collect(Collectors.joining("; ")))
            .append(']');
      }
      return text.toString();
    }
    if (event instanceof RunEvent run) {
      RunEvent.Counts c = run.counts();
      String counts =
          c == null
              ? ""
              : String.format(
                  " (%d steps: %d created, %d updated, %d deleted, %d unchanged, %d drifted,"
                      + " %d failed, %d skipped)",
                  c.steps(),
                  c.created(),
                  c.updated(),
                  c.deleted(),
                  c.unchanged(),
                  c.drifted(),
                  c.failed(),
                  c.skipped());
      return run.mode()
          + " "
          + run.status().wire()
          + " in "
          + run.durationMs()
          + " ms"
          + counts
          + (run.error() == null ? "" : ": " + run.error().message());
    }
    if (event instanceof RejectedEvent rejected) {
      return "request rejected, nothing touched: "
          + rejected.problems().stream().map(Object::toString).collect(Collectors.joining("; "));
    }
    return event.ceType();
  }
}
