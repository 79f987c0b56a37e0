package dev.runwire.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The one table the benchmark prints and writes: one row per figure (median, min, max of its
 * repetitions, or a single count), with its target and whether it was met; plus notes that give the
 * evidence behind a row (which step's polling adds a gap, calls per API...).
 */
public final class ResultTable {

  /** Whether a row has a target and met it. */
  public enum Verdict {
    MET("met"),
    MISSED("**missed**"),
    INFO("");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** One row; {@code min}/{@code max} are blank for a single value. */
  public record Row(
      String section,
      String figure,
      String median,
      String min,
      String max,
      String n,
      String target,
      Verdict verdict) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public synchronized void add(
      String section,
      String figure,
      Stats stats,
      DoubleFunction<String> format,
      String target,
      Verdict verdict) {
    rows.add(
        new Row(
            section,
            figure,
            format.apply(stats.median()),
            stats.n() > 1 ? format.apply(stats.min()) : "",
            stats.n() > 1 ? format.apply(stats.max()) : "",
            Integer.toString(stats.n()),
            target,
            verdict));
  }

  public synchronized void addValue(
      String section, String figure, String value, String target, Verdict verdict) {
    rows.add(new Row(section, figure, value, "", "", "1", target, verdict));
  }

  /** A row with its cells given as text. */
  public synchronized void addRow(
      String section,
      String figure,
      String median,
      String min,
      String max,
      int n,
      String target,
      Verdict verdict) {
    rows.add(new Row(section, figure, median, min, max, Integer.toString(n), target, verdict));
  }

  /** A row that could not be measured, with the reason in place of the value. */
  public synchronized void addMissing(String section, String figure, String why) {
    rows.add(new Row(section, figure, "n/a", "", "", "0", why, Verdict.INFO));
  }

  public synchronized void note(String text) {
    notes.add(text);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  public synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  /** The table as GitHub markdown. */
  public synchronized String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| # | figure | median | min | max | n | target | |\n");
    out.append("|---|---|--:|--:|--:|--:|---|---|\n");
    for (Row r : rows) {
      out.append("| ")
          .append(r.section())
          .append(" | ")
          .append(r.figure())
          .append(" | ")
          .append(r.median())
          .append(" | ")
          .append(r.min())
          .append(" | ")
          .append(r.max())
          .append(" | ")
          .append(r.n())
          .append(" | ")
          .append(r.target())
          .append(" | ")
          .append(r.verdict().text())
          .append(" |\n");
    }
    return out.toString();
  }

  /** The notes as a markdown list. */
  public synchronized String notesMarkdown() {
    StringBuilder out = new StringBuilder();
    for (String note : notes) {
      out.append("- ").append(note).append('\n');
    }
    return out.toString();
  }

  public static String millis(double ms) {
    return ms >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", ms / 1000)
        : String.format(Locale.ROOT, "%.0f ms", ms);
  }

  public static String signedMillis(double ms) {
    return String.format(Locale.ROOT, "%+.0f ms", ms);
  }

  public static String ratio(double r) {
    return String.format(Locale.ROOT, "%.3f", r);
  }

  public static String times(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  public static String count(double c) {
    return c == Math.rint(c)
        ? String.format(Locale.ROOT, "%.0f", c)
        : String.format(Locale.ROOT, "%.1f", c);
  }

  public static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024 * 1024));
  }

  public static String perSecond(double r) {
    return String.format(Locale.ROOT, "%.1f/s", r);
  }
}
