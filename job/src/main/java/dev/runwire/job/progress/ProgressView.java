package dev.runwire.job.progress;

import dev.runwire.job.progress.ProgressBoard.Row;
import dev.runwire.job.progress.ProgressBoard.State;
import dev.runwire.schemas.events.StepEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a {@link ProgressBoard} live. On a terminal (ANSI) the table is redrawn in place several
 * times a second, so running steps' bars grow side by side; elsewhere (a pipe, CI) one line is
 * appended per state change and the whole table is printed once at the end.
 */
public final class ProgressView implements AutoCloseable {

  private static final long REDRAW_MILLIS = 150;

  private final PrintStream out;
  private final ProgressTable table;
  private final ProgressBoard board;
  private final boolean ansi;
  private final Clock clock;
  private final Map<String, State> printed = new HashMap<>();
  private ScheduledExecutorService ticker;
  private int drawnLines;
  private int notesPrinted;

  public ProgressView(
      PrintStream out, ProgressTable table, ProgressBoard board, boolean ansi, Clock clock) {
    this.out = out;
    this.table = table;
    this.board = board;
    this.ansi = ansi;
    this.clock = clock;
  }

  public ProgressView start() {
    if (ansi) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress-view");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::redraw, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Shows a note under the steps (the launch, a redelivery). */
  public void onNote(java.time.Instant at, String text) {
    board.note(at, text);
    if (ansi) {
      redraw();
    } else {
      printTransitions();
    }
  }

  public void onStep(StepEvent event) {
    if (!board.apply(event)) {
      return;
    }
    if (ansi) {
      redraw();
    } else {
      printTransitions();
    }
  }

  /** Stops the live updates and leaves the final table on screen. */
  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ticker = null;
      redraw();
    } else if (!ansi) {
      printTransitions();
      if (!board.rows().isEmpty()) {
        out.println();
        // the notes above the table were already printed as they came
        List<String> lines = table.render(board, clock.instant());
        lines.subList(board.notes().size(), lines.size()).forEach(out::println);
      }
    }
    out.flush();
  }

  private synchronized void printTransitions() {
    List<ProgressBoard.Note> notes = board.notes();
    for (int i = notesPrinted; i < notes.size(); i++) {
      out.println(table.dim(table.note(notes.get(i), board.origin())));
    }
    notesPrinted = notes.size();
    boolean named = board.manyServices();
    for (Row row : board.rows()) {
      if (printed.get(row.key()) != row.state() && row.state() != State.WAITING) {
        printed.put(row.key(), row.state());
        out.println(table.transition(row, board, clock.instant(), named));
      }
    }
    out.flush();
  }

  private synchronized void redraw() {
    List<String> lines = table.render(board, clock.instant());
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append("\r\u001b[").append(drawnLines).append('A');
    }
    for (String line : lines) {
      frame.append("\u001b[2K").append(line).append('\n');
    }
    frame.append("\u001b[J");
    out.print(frame);
    out.flush();
    drawnLines = lines.size();
  }
}
