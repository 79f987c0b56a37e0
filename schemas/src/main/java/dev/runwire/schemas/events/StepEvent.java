package dev.runwire.schemas.events;

import com.google.gson.annotations.SerializedName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step of one execution started or ended. Published once when a step starts ({@code started})
 * and once when it ends. Built through a {@link Subject} (who the event is about) and one factory a
 * status: {@code started}, {@code succeeded}, {@code kept}, {@code drifted}, {@code failed}, {@code
 * skipped}; the canonical constructor is for the JSON codec.
 *
 * @param resource full resource name, e.g. {@code
 *     //redis.googleapis.com/projects/p/locations/r/instances/i}
 * @param target the service this step belongs to (a scoped drift check covers many)
 * @param outputs redis host/port, egress IP, service URL; never a secret
 */
public record StepEvent(
    String apiVersion,
    String requestId,
    String executionId,
    String step,
    String resource,
    TargetRef target,
    Action action,
    Status status,
    int attempt,
    Instant startedAt,
    Instant finishedAt,
    Long durationMs,
    List<FieldDiff> diff,
    Map<String, String> outputs,
    String message,
    EventError error)
    implements RunwireEvent {

  public static final String TYPE = "dev.runwire.step.v1";

  public StepEvent {
    apiVersion = apiVersion == null ? "runwire.dev/v1" : apiVersion;
    diff = diff == null ? List.of() : List.copyOf(diff);
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
  }

  @Override
  public String ceType() {
    return TYPE;
  }

  @Override
  public String schemaName() {
    return "step-event";
  }

  public enum Action {
    @SerializedName("create")
    CREATE,
    @SerializedName("update")
    UPDATE,
    @SerializedName("delete")
    DELETE,
    @SerializedName("none")
    NONE
  }

  public enum Status {
    @SerializedName("started")
    STARTED,
    @SerializedName("succeeded")
    SUCCEEDED,
    @SerializedName("failed")
    FAILED,
    @SerializedName("skipped")
    SKIPPED,
    @SerializedName("drifted")
    DRIFTED;

    /** The lower-case name used on the wire and in the {@code status} attribute. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What a step's events are about: the same in its started and its ended event.
   *
   * @param step the step's wire name, e.g. {@code redisInstance}
   * @param resource its full resource name
   */
  public record Subject(
      String requestId,
      String executionId,
      String step,
      String resource,
      TargetRef target,
      int attempt) {

    public StepEvent started(Instant at) {
      return event(Action.NONE, Status.STARTED, at, null, List.of(), Map.of(), "started", null);
    }

    /** The step did (or, in a plan, would do) {@code action}. */
    public StepEvent succeeded(
        Instant startedAt,
        Instant finishedAt,
        Action action,
        List<FieldDiff> diff,
        Map<String, String> outputs,
        String message) {
      return event(action, Status.SUCCEEDED, startedAt, finishedAt, diff, outputs, message, null);
    }

    /** Destroy left the resource in place; {@code message} says why. */
    public StepEvent kept(Instant startedAt, Instant finishedAt, String message) {
      return succeeded(startedAt, finishedAt, Action.NONE, List.of(), Map.of(), message);
    }

    public StepEvent drifted(
        Instant startedAt,
        Instant finishedAt,
        List<FieldDiff> diff,
        Map<String, String> outputs,
        String message) {
      return event(
          Action.NONE, Status.DRIFTED, startedAt, finishedAt, diff, outputs, message, null);
    }

    /** The message is the error's. */
    public StepEvent failed(
        Instant startedAt,
        Instant finishedAt,
        Action action,
        List<FieldDiff> diff,
        EventError error) {
      return event(
          action, Status.FAILED, startedAt, finishedAt, diff, Map.of(), error.message(), error);
    }

    /** Not run because a step it depends on did not succeed; the message is the error's. */
    public StepEvent skipped(Instant startedAt, Instant finishedAt, EventError error) {
      return event(
          Action.NONE,
          Status.SKIPPED,
          startedAt,
          finishedAt,
          List.of(),
          Map.of(),
          error.message(),
          error);
    }

    private StepEvent event(
        Action action,
        Status status,
        Instant startedAt,
        Instant finishedAt,
        List<FieldDiff> diff,
        Map<String, String> outputs,
        String message,
        EventError error) {
      Long durationMs =
          finishedAt == null ? null : Duration.between(startedAt, finishedAt).toMillis();
      return new StepEvent(
          null,
          requestId,
          executionId,
          step,
          resource,
          target,
          action,
          status,
          attempt,
          startedAt,
          finishedAt,
          durationMs,
          diff,
          outputs,
          message,
          error);
    }
  }

  /** One managed field whose actual value differs from the desired one. */
  public record FieldDiff(String field, String actual, String desired) {}

  /** The Cloud Run service (and where) a step works for. */
  public record TargetRef(String project, String region, String service) {}
}
