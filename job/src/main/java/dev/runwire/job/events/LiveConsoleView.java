package dev.runwire.job.events;

import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.EventText;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.Status;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The view for a person at a terminal: the DAG's steps with what each is doing (waiting, running
 * for how long, done how) redrawn in place, then a summary table when the run ends.
 */
public final class LiveConsoleView implements EventSink {

  private static final String UP_AND_CLEAR = "\033[%dF\033[J";

  private final PrintStream out;
  private final Clock clock;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final ScheduledExecutorService ticker;
  private int drawnLines;

  private static final class Row {
    final String label;
    Status status;
    String action = "";
    Instant startedAt;
    Long durationMs;
    String message = "";
    List<String> diff = List.of();

    Row(String label) {
      this.label = label;
    }
  }

  public LiveConsoleView(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runwire-live-view");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleAtFixedRate(this::redrawIfRunning, 500, 500, TimeUnit.MILLISECONDS);
  }

  /** Shows the steps of a plan as waiting before any of them starts. */
  public synchronized void showPlan(String target, List<String> steps) {
    for (String step : steps) {
      rows.computeIfAbsent(key(target, step), k -> new Row(label(target, step)));
    }
    redraw();
  }

  @Override
  public synchronized void publish(RunwireEvent event) {
    if (event instanceof StepEvent step) {
      String target = step.target() == null ? null : step.target().service();
      Row row =
          rows.computeIfAbsent(key(target, step.step()), k -> new Row(label(target, step.step())));
      row.status = step.status();
      if (step.status() == Status.STARTED) {
        row.startedAt = step.startedAt();
      } else {
        row.action = step.action() == null ? "" : step.action().name().toLowerCase(Locale.ROOT);
        row.durationMs = step.durationMs();
        row.message = step.message() == null ? "" : step.message();
        row.diff =
            step.diff().stream()
                .map(d -> d.field() + ": " + show(d.actual()) + " -> " + show(d.desired()))
                .toList();
      }
      redraw();
    } else if (event instanceof RunEvent run) {
      redraw();
      drawnLines = 0;
      printSummary(run);
    } else {
      out.println(EventText.line(event));
    }
  }

  @Override
  public synchronized void flush() {
    out.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    flush();
  }

  private synchronized void redrawIfRunning() {
    if (rows.values().stream().anyMatch(r -> r.status == Status.STARTED)) {
      redraw();
    }
  }

  private void redraw() {
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append(String.format(UP_AND_CLEAR, drawnLines));
    }
    for (Row row : rows.values()) {
      frame.append(String.format("  %s %-40s %s%n", symbol(row.status), row.label, state(row)));
    }
    out.print(frame);
    out.flush();
    drawnLines = rows.size();
  }

  private String state(Row row) {
    if (row.status == null) {
      return "waiting";
    }
    if (row.status == Status.STARTED) {
      long ms =
          row.startedAt == null ? 0 : Duration.between(row.startedAt, clock.instant()).toMillis();
      return "running " + seconds(ms);
    }
    String took = row.durationMs == null ? "" : " " + seconds(row.durationMs);
    String action = row.action.isEmpty() || row.action.equals("none") ? "" : " " + row.action;
    return row.status.wire() + action + took;
  }

  private void printSummary(RunEvent run) {
    out.println();
    out.printf("  %-40s %-10s %-8s %9s  %s%n", "STEP", "STATUS", "ACTION", "TIME", "DETAIL");
    for (Row row : rows.values()) {
      out.printf(
          "  %-40s %-10s %-8s %9s  %s%n",
          row.label,
          row.status == null ? "waiting" : row.status.wire(),
          row.action,
          row.durationMs == null ? "" : seconds(row.durationMs),
          row.message);
      row.diff.forEach(line -> out.println("      " + line));
    }
    List<String> outputs = new ArrayList<>();
    run.outputs().forEach((k, v) -> outputs.add(k + "=" + v));
    out.println();
    out.println("  " + EventText.line(run));
    if (!outputs.isEmpty()) {
      out.println("  outputs: " + String.join("  ", outputs));
    }
    rows.clear();
  }

  private static String show(String value) {
    return value == null ? "(none)" : value;
  }

  private static String symbol(Status status) {
    if (status == null) {
      return "·";
    }
    return switch (status) {
      case STARTED -> "▶";
      case SUCCEEDED -> "✔";
      case FAILED -> "✘";
      case SKIPPED -> "⤼";
      case DRIFTED -> "≠";
    };
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private static String key(String target, String step) {
    return target + "/" + step;
  }

  private static String label(String target, String step) {
    return target == null ? step : target + " " + step;
  }
}
