package dev.runwire.job.events;

import dev.runwire.job.progress.ProgressBoard;
import dev.runwire.job.progress.ProgressTable;
import dev.runwire.job.progress.ProgressView;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.EventText;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The view for a person at a terminal: the job's events shown by the same live progress table the
 * demo uses ({@link ProgressView}: every step waiting, running for how long, done how, redrawn in
 * place), then a summary when the run ends.
 */
public final class LiveConsoleView implements EventSink {

  private static final ProgressTable TABLE =
      new ProgressTable(new ProgressTable.Style(true, true, 30, 0));

  private final PrintStream out;
  private final Clock clock;
  private ProgressBoard board;
  private ProgressView view;

  public LiveConsoleView(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** Shows the steps of a plan as waiting before any of them starts. */
  public synchronized void showPlan(String target, List<String> steps) {
    Map<String, Integer> waiting = new LinkedHashMap<>();
    steps.forEach(step -> waiting.put(step, 0));
    open().expect(target, waiting);
  }

  @Override
  public synchronized void publish(RunwireEvent event) {
    if (event instanceof StepEvent step) {
      open();
      view.onStep(step);
    } else if (event instanceof RunEvent run) {
      if (view != null) {
        view.close();
        printSummary(run, board);
      }
      view = null;
      board = null;
    } else {
      out.println(EventText.line(event));
    }
  }

  @Override
  public synchronized void flush() {
    out.flush();
  }

  @Override
  public synchronized void close() {
    if (view != null) {
      view.close();
    }
    flush();
  }

  /** The board of the run under way; the first plan or step of a run opens one. */
  private ProgressBoard open() {
    if (board == null) {
      board = new ProgressBoard(null, clock.instant());
      view = new ProgressView(out, TABLE, board, true, clock).start();
    }
    return board;
  }

  private void printSummary(RunEvent run, ProgressBoard finished) {
    out.println();
    out.printf("  %-40s %s%n", "STEP", "RESULT");
    for (ProgressBoard.Row row : finished.rows()) {
      String action =
          row.action() == null || row.action() == StepEvent.Action.NONE
              ? ""
              : " " + row.action().name().toLowerCase(Locale.ROOT);
      Duration took = row.elapsed(clock.instant());
      out.printf(
          "  %-40s %s%s%s%n",
          row.service() == null ? row.step() : row.service() + " " + row.step(),
          row.state().finished() ? wire(row.state()) : row.state().name().toLowerCase(Locale.ROOT),
          action,
          took == null ? "" : String.format(Locale.ROOT, " %.1fs", took.toMillis() / 1000.0));
      if (!row.detail().isEmpty()) {
        out.println("      " + row.detail());
      }
    }
    List<String> outputs = new ArrayList<>();
    run.outputs().forEach((k, v) -> outputs.add(k + "=" + v));
    out.println();
    out.println("  " + EventText.line(run));
    if (!outputs.isEmpty()) {
      out.println("  outputs: " + String.join("  ", outputs));
    }
  }

  /** The step event's own status word for a finished row ("succeeded", not the table's "done"). */
  private static String wire(ProgressBoard.State state) {
    return switch (state) {
      case DONE -> StepEvent.Status.SUCCEEDED.wire();
      case FAILED -> StepEvent.Status.FAILED.wire();
      case SKIPPED -> StepEvent.Status.SKIPPED.wire();
      case DRIFTED -> StepEvent.Status.DRIFTED.wire();
      case WAITING, RUNNING -> state.name().toLowerCase(Locale.ROOT);
    };
  }
}
