package dev.runwire.job.progress;

import dev.runwire.job.progress.ProgressBoard.Row;
import dev.runwire.job.progress.ProgressBoard.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link ProgressBoard} as text: one line per step with its state, outcome, start offset,
 * duration and a timeline bar, so steps that ran in parallel (the DAG's branches) show as
 * overlapping bars. Pure: the same board and clock give the same lines.
 */
public final class ProgressTable {

  /** How the table draws: colours (ANSI) and box-drawing glyphs (UTF-8) are both optional. */
  /**
   * @param lineWidth lines are cut to this many visible characters (a redraw in place must never
   *     wrap); 0 = no limit
   */
  public record Style(boolean colour, boolean unicode, int timelineWidth, int lineWidth) {
    public static final Style PLAIN = new Style(false, false, 30, 0);
  }

  private static final String RESET = "\u001b[0m";
  private static final String BOLD = "\u001b[1m";
  private static final String DIM = "\u001b[2m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String MAGENTA = "\u001b[35m";
  private static final String CYAN = "\u001b[36m";

  private final Style style;

  public ProgressTable(Style style) {
    this.style = style;
  }

  /** The table's lines at {@code now}, header first, details indented under their step. */
  public List<String> render(ProgressBoard board, Instant now) {
    List<Row> rows = board.rows();
    boolean named = board.manyServices();
    int nameWidth = "step".length();
    for (Row row : rows) {
      nameWidth = Math.max(nameWidth, label(row, named).length());
    }
    Instant origin = board.origin();
    Duration span = Duration.between(origin, latest(rows, now));
    if (span.compareTo(Duration.ofMillis(500)) < 0) {
      span = Duration.ofMillis(500);
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        paint(
            DIM,
            String.format(
                Locale.ROOT,
                "  %-" + nameWidth + "s  %-8s %-9s %8s %7s  %s",
                "step",
                "status",
                "result",
                "start",
                "took",
                "timeline (0 - " + seconds(span) + ")")));
    for (Row row : rows) {
      String status = paint(colour(row.state()), String.format("%-8s", statusWord(row)));
      String start =
          row.startedAt() == null ? "" : "+" + seconds(Duration.between(origin, row.startedAt()));
      Duration took = row.elapsed(now);
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-" + nameWidth + "s  %s %-9s %8s %7s  %s",
              label(row, named),
              status,
              row.outcome(board.readOnly()),
              start,
              took == null ? "" : seconds(took),
              paint(colour(row.state()), bar(row, origin, span, now))));
      if (!row.detail().isEmpty()
          && (row.state() == State.FAILED || row.state() == State.DRIFTED)) {
        lines.add(paint(colour(row.state()), "  " + " ".repeat(nameWidth) + "  " + row.detail()));
      }
    }
    // notes (the function's launch, redeliveries) come before any step: list them first
    List<String> notes = new ArrayList<>();
    for (ProgressBoard.Note note : board.notes()) {
      notes.add(dim(note(note, origin)));
    }
    lines.addAll(0, notes);
    return lines.stream().map(this::fit).toList();
  }

  /** A note as a line: its time since the origin and its text. */
  public String note(ProgressBoard.Note note, Instant origin) {
    return String.format(
        Locale.ROOT, "  %8s  %s", "+" + seconds(Duration.between(origin, note.at())), note.text());
  }

  /** {@code line} cut to the style's width, counting visible characters only (not ANSI codes). */
  public String fit(String line) {
    int width = style.lineWidth();
    if (width <= 0) {
      return line;
    }
    StringBuilder out = new StringBuilder();
    int visible = 0;
    boolean cut = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\u001b') {
        int end = i + 1;
        while (end < line.length() && !Character.isLetter(line.charAt(end))) {
          end++;
        }
        out.append(line, i, Math.min(end + 1, line.length()));
        i = end;
        continue;
      }
      if (visible == width - 1 && i < line.length() - 1 && visibleAfter(line, i) > 1) {
        out.append(style.unicode() ? '\u2026' : '>');
        cut = true;
        break;
      }
      out.append(c);
      visible++;
    }
    if (cut && style.colour()) {
      out.append(RESET);
    }
    return out.toString();
  }

  private static int visibleAfter(String line, int from) {
    int n = 0;
    for (int i = from; i < line.length(); i++) {
      if (line.charAt(i) == '\u001b') {
        while (i < line.length() && !Character.isLetter(line.charAt(i))) {
          i++;
        }
        continue;
      }
      n++;
    }
    return n;
  }

  /** One line for an append-only log: a step changed state. */
  public String transition(Row row, ProgressBoard board, Instant now, boolean named) {
    Instant origin = board.origin();
    Instant at = row.state().finished() && row.finishedAt() != null ? row.finishedAt() : now;
    if (row.state() == State.RUNNING && row.startedAt() != null) {
      at = row.startedAt();
    }
    Duration took = row.elapsed(now);
    String line =
        String.format(
            Locale.ROOT,
            "  %8s  %-24s %s %-9s %s",
            "+" + seconds(Duration.between(origin, at)),
            label(row, named),
            paint(colour(row.state()), String.format("%-8s", statusWord(row))),
            row.outcome(board.readOnly()),
            row.state().finished() && took != null ? "in " + seconds(took) : "");
    if (!row.detail().isEmpty() && (row.state() == State.FAILED || row.state() == State.DRIFTED)) {
      line += "\n" + paint(colour(row.state()), "            " + row.detail());
    }
    return line.stripTrailing();
  }

  private String bar(Row row, Instant origin, Duration span, Instant now) {
    int width = style.timelineWidth();
    if (row.startedAt() == null) {
      return "";
    }
    Instant end =
        row.state().finished()
            ? (row.finishedAt() != null
                ? row.finishedAt()
                : row.durationMs() != null
                    ? row.startedAt().plusMillis(row.durationMs())
                    : row.startedAt())
            : now;
    int from = column(Duration.between(origin, row.startedAt()), span, width);
    int to = column(Duration.between(origin, end), span, width);
    from = Math.min(from, width - 1);
    to = Math.max(to, from + 1);
    to = Math.min(to, width);
    char fill =
        switch (row.state()) {
          case RUNNING -> style.unicode() ? '\u2593' : '>';
          case FAILED -> style.unicode() ? '\u2588' : 'x';
          case DRIFTED -> style.unicode() ? '\u2588' : '!';
          case SKIPPED -> style.unicode() ? '\u2591' : '.';
          default -> style.unicode() ? '\u2588' : '=';
        };
    return " ".repeat(from) + String.valueOf(fill).repeat(to - from);
  }

  private static int column(Duration offset, Duration span, int width) {
    if (offset.isNegative()) {
      return 0;
    }
    return (int) Math.round((double) offset.toMillis() / span.toMillis() * width);
  }

  private static Instant latest(List<Row> rows, Instant now) {
    boolean running = rows.stream().anyMatch(r -> r.state() == State.RUNNING);
    if (running || rows.isEmpty()) {
      return now;
    }
    Instant latest = null;
    for (Row row : rows) {
      Instant end = row.finishedAt() != null ? row.finishedAt() : row.startedAt();
      if (end != null && (latest == null || end.isAfter(latest))) {
        latest = end;
      }
    }
    return latest == null ? now : latest;
  }

  /** The step's name, indented by its depth in the DAG so branches read as a tree. */
  private static String label(Row row, boolean named) {
    String name = named && row.service() != null ? row.service() + "/" + row.step() : row.step();
    return "  ".repeat(row.depth()) + name;
  }

  private static String statusWord(Row row) {
    if (row.state() == State.RUNNING && row.attempt() > 1) {
      return "retry " + row.attempt();
    }
    return row.state().word;
  }

  private String colour(State state) {
    return switch (state) {
      case WAITING, SKIPPED -> DIM;
      case RUNNING -> YELLOW;
      case DONE -> GREEN;
      case FAILED -> RED;
      case DRIFTED -> MAGENTA;
    };
  }

  public String paint(String code, String text) {
    return style.colour() && !text.isEmpty() ? code + text + RESET : text;
  }

  public String bold(String text) {
    return paint(BOLD, text);
  }

  public String cyan(String text) {
    return paint(CYAN, text);
  }

  public String green(String text) {
    return paint(GREEN, text);
  }

  public String red(String text) {
    return paint(RED, text);
  }

  public String magenta(String text) {
    return paint(MAGENTA, text);
  }

  public String dim(String text) {
    return paint(DIM, text);
  }

  public static String seconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return s < 10
        ? String.format(Locale.ROOT, "%.2fs", s)
        : s < 100 ? String.format(Locale.ROOT, "%.1fs", s) : String.format(Locale.ROOT, "%.0fs", s);
  }
}
