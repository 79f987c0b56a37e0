package dev.runwire.job.progress;

import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The state of every step of one request, built from its step events. A step appears when its first
 * event arrives (or up front, as waiting, when the caller knows the plan); events of other requests
 * are ignored (unless the board follows any request: a null requestId). Thread-safe: the event feed
 * writes while the view reads.
 */
public final class ProgressBoard {

  public enum State {
    WAITING("waiting"),
    RUNNING("running"),
    DONE("done"),
    FAILED("failed"),
    SKIPPED("skipped"),
    DRIFTED("drifted");

    final String word;

    State(String word) {
      this.word = word;
    }

    public boolean finished() {
      return this != WAITING && this != RUNNING;
    }
  }

  /**
   * One step as the view shows it.
   *
   * @param detail what to say under the row: the error, the drifted fields, the step's message
   */
  public record Row(
      String key,
      String step,
      String service,
      int depth,
      State state,
      Action action,
      int attempt,
      Instant startedAt,
      Instant finishedAt,
      Long durationMs,
      String detail) {

    /** How long the step ran, or has been running at {@code now}. */
    public Duration elapsed(Instant now) {
      if (durationMs != null && state.finished()) {
        return Duration.ofMillis(durationMs);
      }
      if (startedAt == null) {
        return null;
      }
      Instant end = finishedAt != null ? finishedAt : now;
      return Duration.between(startedAt, end).isNegative()
          ? Duration.ZERO
          : Duration.between(startedAt, end);
    }

    /**
     * What the step did, or in a read-only run (plan, drift-check) would do: "created", "to
     * create", "unchanged", "missing"...; empty while it runs.
     */
    public String outcome(boolean readOnly) {
      if (action == null || state == State.WAITING || state == State.RUNNING) {
        return "";
      }
      if (action == Action.NONE) {
        if (state != State.DONE) {
          return "";
        }
        // verify changes nothing by design; it checks only in apply
        return step.equals("verify") ? (readOnly ? "" : "ok") : "unchanged";
      }
      if (readOnly) {
        return action == Action.CREATE && state == State.DRIFTED
            ? "missing"
            : "to " + action.name().toLowerCase(java.util.Locale.ROOT);
      }
      return switch (action) {
        case CREATE -> state == State.DONE ? "created" : "create";
        case UPDATE -> state == State.DONE ? "updated" : "update";
        case DELETE -> state == State.DONE ? "deleted" : "delete";
        case NONE -> "";
      };
    }
  }

  private final String requestId;
  private final Instant origin;
  private final boolean readOnly;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final List<Note> notes = new ArrayList<>();

  /** Something about the request that is not a step: the launch, a redelivery. */
  public record Note(Instant at, String text) {}

  /**
   * @param origin time zero of the view (when the request was published)
   */
  public ProgressBoard(String requestId, Instant origin) {
    this(requestId, origin, false);
  }

  /**
   * @param readOnly a plan or drift check: actions are what would happen, not what happened
   */
  public ProgressBoard(String requestId, Instant origin, boolean readOnly) {
    this.requestId = requestId;
    this.origin = origin;
    this.readOnly = readOnly;
  }

  public boolean readOnly() {
    return readOnly;
  }

  public String requestId() {
    return requestId;
  }

  public Instant origin() {
    return origin;
  }

  /**
   * Shows the planned steps as waiting before any of their events arrive.
   *
   * @param stepDepths step name to its depth in the DAG, in plan order
   */
  public synchronized void expect(Map<String, Integer> stepDepths) {
    expect(null, stepDepths);
  }

  /**
   * Shows one service's planned steps as waiting (a run over several services plans each).
   *
   * @param service the target service, or null when the events will say
   */
  public synchronized void expect(String service, Map<String, Integer> stepDepths) {
    stepDepths.forEach(
        (step, depth) ->
            rows.putIfAbsent(
                key(step, service),
                new Row(
                    key(step, service),
                    step,
                    service,
                    depth,
                    State.WAITING,
                    null,
                    0,
                    null,
                    null,
                    null,
                    "")));
  }

  /** Applies a step event; returns false when it is about another request. */
  public synchronized boolean apply(StepEvent event) {
    if (requestId != null && !requestId.equals(event.requestId())) {
      return false;
    }
    String service = event.target() == null ? null : event.target().service();
    String key = key(event.step(), service);
    if (!rows.containsKey(key) && rows.containsKey(event.step())) {
      key = event.step(); // expected up front without a target
    }
    Row old = rows.get(key);
    State state =
        switch (event.status()) {
          case STARTED -> State.RUNNING;
          case SUCCEEDED -> State.DONE;
          case FAILED -> State.FAILED;
          case SKIPPED -> State.SKIPPED;
          case DRIFTED -> State.DRIFTED;
        };
    if (old != null
        && old.state().finished()
        && state == State.RUNNING
        && event.attempt() <= old.attempt()) {
      return true; // a late duplicate of a started event: the step already ended
    }
    Instant startedAt =
        event.startedAt() != null ? event.startedAt() : old == null ? null : old.startedAt();
    if (startedAt == null && state == State.RUNNING) {
      startedAt = Instant.now();
    }
    rows.put(
        key,
        new Row(
            key,
            event.step(),
            service,
            old == null ? 0 : old.depth(),
            state,
            event.action() != null ? event.action() : old == null ? null : old.action(),
            event.attempt(),
            startedAt,
            event.finishedAt(),
            event.durationMs(),
            detail(event)));
    return true;
  }

  public synchronized void note(Instant at, String text) {
    notes.add(new Note(at, text));
  }

  public synchronized List<Note> notes() {
    return List.copyOf(notes);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(new ArrayList<>(rows.values()));
  }

  /** True when more than one service appears, so rows must name theirs. */
  public synchronized boolean manyServices() {
    return rows.values().stream().map(Row::service).filter(s -> s != null).distinct().count() > 1;
  }

  private static String key(String step, String service) {
    return step + (service == null ? "" : "@" + service);
  }

  private static String detail(StepEvent event) {
    if (event.error() != null) {
      return event.error().code() + ": " + event.error().message();
    }
    if (!event.diff().isEmpty()) {
      return event.diff().stream()
          .map(d -> d.field() + ": " + d.actual() + " -> " + d.desired())
          .collect(Collectors.joining("; "));
    }
    return event.message() == null ? "" : event.message();
  }
}
