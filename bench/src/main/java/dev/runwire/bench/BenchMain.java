package dev.runwire.bench;

import dev.runwire.demo.MachineLoad;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs every figure against the local cloud in one process, prints one table and writes it to
 * {@code bench/results/latest.md}.
 *
 * <pre>
 * java -jar bench/target/runwire-bench.jar [--quick] [--only=1,3] [--out=FILE]
 * </pre>
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws IOException {
    Set<String> only = new LinkedHashSet<>();
    boolean quick = false;
    Path out = null;
    for (String arg : args) {
      if (arg.equals("--quick")) {
        quick = true;
      } else if (arg.startsWith("--only=")) {
        only.addAll(Set.of(arg.substring("--only=".length()).split(",")));
      } else if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring("--out=".length()));
      } else {
        System.err.println(
            "usage: runwire-bench [--quick] [--only=1,2,3,4,5,6,7] [--out=FILE]\n"
                + "  --quick   fewer repetitions and targets (a smoke run, not a baseline)");
        System.exit(2);
      }
    }
    // The local cloud and the job log warnings we expect (e.g. 404s on first reads); keep the
    // table readable.
    Logger.getLogger("").setLevel(Level.SEVERE);
    for (var h : Logger.getLogger("").getHandlers()) {
      h.setLevel(Level.SEVERE);
    }
    final boolean q = quick;
    RepoLayout repo = RepoLayout.find();
    ResultTable table = new ResultTable();
    Instant started = Instant.now();
    String loadBefore = loadAverage();
    int reps = quick ? 2 : 5;
    run(
        only,
        "1",
        "critical path and API calls",
        () -> new CriticalPathBench(table, reps).run(),
        table);
    run(only, "3", "drift-check scaling", () -> new DriftScalingBench(table, repo, q).run(), table);
    run(only, "4", "start-up", () -> new StartupBench(table, repo, q ? 2 : 3).run(), table);
    run(
        only,
        "5",
        "function throughput",
        () -> new FunctionThroughputBench(table, repo, q).run(),
        table);
    run(
        only,
        "6",
        "applies through 20% transient faults",
        () -> new FaultRunBench(table, q).run(),
        table);
    run(only, "7", "fleet at once", () -> new FleetBench(table, q).run(), table);
    Duration took = Duration.between(started, Instant.now());
    String markdown = render(table, took, quick, loadBefore + " → " + loadAverage());
    System.out.println();
    System.out.println(markdown);
    Path file = out != null ? out : repo.results().resolve(quick ? "quick.md" : "latest.md");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, markdown, StandardCharsets.UTF_8);
    System.out.println("written to " + file);
  }

  private static void run(
      Set<String> only, String section, String name, Runnable bench, ResultTable table) {
    boolean wanted =
        only.isEmpty() || only.contains(section) || (section.equals("1") && only.contains("2"));
    if (!wanted) {
      return;
    }
    long t0 = System.nanoTime();
    System.err.println("runwire-bench: " + name + "...");
    try {
      bench.run();
    } catch (RuntimeException e) {
      table.addMissing(section, name, "failed: " + oneLine(e));
      e.printStackTrace();
    }
    System.err.printf(
        Locale.ROOT, "runwire-bench: %s done in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
  }

  static String oneLine(Throwable e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    text = text.replace('\n', ' ').replace('|', '/');
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  /** The 1-minute load average (other work on the machine moves absolute times; ratios less). */
  static String loadAverage() {
    double load = MachineLoad.load();
    return load < 0 ? "?" : String.format(Locale.ROOT, "%.2f", load);
  }

  static String render(ResultTable table, Duration took, boolean quick, String load) {
    StringBuilder md = new StringBuilder();
    md.append("# runwire benchmark")
        .append(quick ? " (quick run — not a baseline)" : "")
        .append("\n\n");
    md.append("Run ")
        .append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC)))
        .append(" on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(System.getProperty("java.version"))
        .append(", in ")
        .append(String.format(Locale.ROOT, "%.0f s", took.toMillis() / 1000.0))
        .append(" (1-minute load average ")
        .append(load)
        .append(
            ": the machine is shared, so absolute times move; ratios were measured side by side)")
        .append(
            ". Median of the repetitions (n), with min and max. Operation durations (real → bench, ÷")
        .append(OperationDurations.SCALE)
        .append("): ")
        .append(OperationDurations.describe())
        .append("; job poll delay ")
        .append(OperationDurations.POLL_INITIAL_DELAY.toMillis())
        .append(" ms (its 5 s default ÷")
        .append(OperationDurations.SCALE)
        .append(").\n\n");
    md.append(table.markdown()).append('\n');
    if (!table.notes().isEmpty()) {
      md.append("Notes\n\n").append(table.notesMarkdown());
    }
    return md.toString();
  }
}
