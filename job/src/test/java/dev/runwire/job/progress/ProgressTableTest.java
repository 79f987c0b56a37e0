package dev.runwire.job.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTableTest {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final String REQUEST = "req-1";

  static StepEvent started(String step, long atMillis) {
    return event(step, Action.CREATE, Status.STARTED, atMillis, null, null, List.of());
  }

  static StepEvent finished(String step, Action action, Status status, long from, long to) {
    return event(step, action, status, from, to, null, List.of());
  }

  static StepEvent event(
      String step,
      Action action,
      Status status,
      long from,
      Long to,
      EventError error,
      List<FieldDiff> diff) {
    return new StepEvent(
        null,
        REQUEST,
        "exec-1",
        step,
        "//example/" + step,
        new StepEvent.TargetRef("runwire-demo", "us-central1", "visitor-counter"),
        action,
        status,
        1,
        T0.plusMillis(from),
        to == null ? null : T0.plusMillis(to),
        to == null ? null : to - from,
        diff,
        null,
        null,
        error);
  }

  static ProgressBoard board(StepEvent... events) {
    ProgressBoard board = new ProgressBoard(REQUEST, T0);
    for (StepEvent e : events) {
      board.apply(e);
    }
    return board;
  }

  @Test
  void parallelBranchesShowAsOverlappingBars() {
    ProgressBoard board =
        board(
            started("network", 0),
            finished("network", Action.CREATE, Status.SUCCEEDED, 0, 200),
            started("redis-instance", 200),
            started("egress-subnet", 200),
            finished("egress-subnet", Action.CREATE, Status.SUCCEEDED, 200, 400),
            finished("redis-instance", Action.CREATE, Status.SUCCEEDED, 200, 2200),
            started("cloud-run-service", 2200),
            finished("cloud-run-service", Action.UPDATE, Status.SUCCEEDED, 2200, 3000));

    List<String> lines =
        new ProgressTable(ProgressTable.Style.PLAIN).render(board, T0.plusSeconds(5));

    assertEquals(5, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("timeline (0 - 3.00s)"), lines.get(0));
    String network = lines.get(1);
    String redis = lines.get(2);
    String subnet = lines.get(3);
    String service = lines.get(4);
    assertTrue(
        network.matches("\\s+network\\s+done\\s+created\\s+\\+0.00s\\s+0.20s\\s+=+"), network);
    assertTrue(redis.matches(".*redis-instance\\s+done\\s+created\\s+\\+0.20s\\s+2.00s .*"), redis);
    assertTrue(service.contains("updated"), service);
    // redis and subnet started together: their bars begin in the same column; the service's bar
    // begins where redis's ends.
    assertEquals(redis.indexOf('='), subnet.indexOf('='));
    assertEquals(redis.lastIndexOf('=') + 1, service.indexOf('='));
    assertTrue(network.lastIndexOf('=') < redis.indexOf('=') + 1);
  }

  @Test
  void runningStepGrowsWithTheClockAndDetailsFollowFailuresAndDrift() {
    ProgressBoard board =
        board(
            started("redis-instance", 0),
            started("egress-subnet", 0),
            event(
                "egress-subnet",
                Action.UPDATE,
                Status.FAILED,
                0,
                500L,
                new EventError("CannotUpdateSubnet", "range overlaps 10.8.0.0/28"),
                List.of()),
            started("firewall", 0),
            event(
                "firewall",
                Action.UPDATE,
                Status.DRIFTED,
                0,
                100L,
                null,
                List.of(new FieldDiff("sourceRanges", "[10.0.0.0/8]", "[10.8.0.0/26]"))));

    ProgressTable table = new ProgressTable(ProgressTable.Style.PLAIN);
    List<String> at1s = table.render(board, T0.plusSeconds(1));
    List<String> at2s = table.render(board, T0.plusSeconds(2));

    String redis1 = at1s.get(1);
    String redis2 = at2s.get(1);
    assertTrue(redis1.contains("running") && redis1.contains("1.00s"), redis1);
    assertTrue(redis2.contains("2.00s"), redis2);
    assertTrue(redis1.contains(">"));
    assertTrue(at1s.get(2).contains("failed"));
    assertTrue(
        at1s.get(3).trim().equals("CannotUpdateSubnet: range overlaps 10.8.0.0/28"), at1s.get(3));
    assertTrue(at1s.get(4).contains("drifted"));
    assertTrue(at1s.get(5).contains("sourceRanges: [10.0.0.0/8] -> [10.8.0.0/26]"), at1s.get(5));
  }

  @Test
  void eventsOfOtherRequestsAreIgnoredAndLateStartsDoNotReopenAStep() {
    ProgressBoard board =
        board(
            started("network", 0),
            finished("network", Action.NONE, Status.SUCCEEDED, 0, 50),
            started("network", 0));
    StepEvent other =
        new StepEvent(
            null,
            "someone-else",
            "e",
            "router",
            null,
            null,
            Action.CREATE,
            Status.STARTED,
            1,
            T0,
            null,
            null,
            null,
            null,
            null,
            null);
    assertFalse(board.apply(other));
    assertEquals(1, board.rows().size());
    assertEquals(ProgressBoard.State.DONE, board.rows().get(0).state());
    assertEquals("unchanged", board.rows().get(0).outcome(false));
  }

  @Test
  void plainViewAppendsOneLinePerChangeAndTheTableAtTheEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressBoard board = new ProgressBoard(REQUEST, T0);
    Clock clock = Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC);
    try (ProgressView view =
        new ProgressView(out, new ProgressTable(ProgressTable.Style.PLAIN), board, false, clock)
            .start()) {
      view.onStep(started("network", 0));
      view.onStep(finished("network", Action.CREATE, Status.SUCCEEDED, 0, 300));
      view.onNote(T0.plusMillis(100), "function: valid");
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("\u001b["), "no escape codes when not on a terminal");
    assertEquals(1, text.split("function: valid", -1).length - 1, "the note once: " + text);
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(0).matches("\\s+\\+0.00s\\s+network\\s+running"), lines.get(0));
    assertTrue(
        lines.get(1).matches("\\s+\\+0.30s\\s+network\\s+done\\s+created\\s+in 0.30s"),
        lines.get(1));
    assertTrue(lines.get(2).contains("function: valid"), text);
    assertTrue(lines.get(4).contains("step"), text);
    assertTrue(lines.get(5).contains("network"), text);
  }

  @Test
  void ansiViewRedrawsInPlace() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressBoard board = new ProgressBoard(REQUEST, T0);
    Clock clock = Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC);
    ProgressTable table = new ProgressTable(new ProgressTable.Style(true, true, 20, 0));
    try (ProgressView view = new ProgressView(out, table, board, true, clock).start()) {
      view.onStep(started("network", 0));
      view.onStep(finished("network", Action.CREATE, Status.SUCCEEDED, 0, 300));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("\u001b[2A"), "moves the cursor up over the previous frame");
    assertTrue(text.contains("\u2588"), "draws bars with block glyphs");
  }

  @Test
  void redrawnLinesAreCutToTheTerminalWidthSoTheyNeverWrap() {
    ProgressBoard board =
        board(
            event(
                "network",
                Action.CREATE,
                Status.FAILED,
                0,
                100L,
                new EventError("NetworkNotFound", "x".repeat(300)),
                List.of()));
    ProgressTable table = new ProgressTable(new ProgressTable.Style(true, true, 20, 80));
    for (String line : table.render(board, T0.plusSeconds(1))) {
      String visible = line.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
      assertTrue(visible.length() <= 80, visible.length() + ": " + visible);
    }
    String detail = table.render(board, T0.plusSeconds(1)).get(2);
    assertTrue(detail.endsWith("\u2026\u001b[0m"), detail);
  }

  @Test
  void notesAboutTheLaunchComeBeforeTheSteps() {
    ProgressBoard board = board(started("network", 1500));
    board.note(T0.plusMillis(1200), "function: valid; started execution runwire-job-abc");
    List<String> lines =
        new ProgressTable(ProgressTable.Style.PLAIN).render(board, T0.plusSeconds(2));
    assertEquals("    +1.20s  function: valid; started execution runwire-job-abc", lines.get(0));
    assertTrue(lines.get(1).contains("step"), lines.get(1));
    assertTrue(lines.get(2).contains("network"), lines.get(2));
  }
}
