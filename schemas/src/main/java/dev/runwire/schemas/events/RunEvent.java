package dev.runwire.schemas.events;

import com.google.gson.annotations.SerializedName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one execution (one task of it, for a sharded drift check). {@code drift} counts
 * what a plan or drift check found different (null when nothing was checked for drift); a run that
 * found drift has status {@code drifted} whatever its exit code (3 on the command line, 0 as a
 * Cloud Run task, so that Cloud Run neither retries it nor shows it as failed).
 */
public record RunEvent(
    String apiVersion,
    String requestId,
    String executionId,
    String mode,
    Outcome status,
    Instant startedAt,
    Instant finishedAt,
    long durationMs,
    Counts counts,
    Map<String, String> outputs,
    int taskIndex,
    int taskCount,
    int targets,
    int exitCode,
    EventError error,
    Drift drift,
    List<Kept> kept)
    implements RunwireEvent {

  public static final String TYPE = "dev.runwire.run.v1";

  public RunEvent {
    apiVersion = apiVersion == null ? "runwire.dev/v1" : apiVersion;
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    kept = kept == null || kept.isEmpty() ? null : List.copyOf(kept);
  }

  /** A run event without a drift summary that left nothing behind. */
  public RunEvent(
      String apiVersion,
      String requestId,
      String executionId,
      String mode,
      Outcome status,
      Instant startedAt,
      Instant finishedAt,
      long durationMs,
      Counts counts,
      Map<String, String> outputs,
      int taskIndex,
      int taskCount,
      int targets,
      int exitCode,
      EventError error) {
    this(
        apiVersion,
        requestId,
        executionId,
        mode,
        status,
        startedAt,
        finishedAt,
        durationMs,
        counts,
        outputs,
        taskIndex,
        taskCount,
        targets,
        exitCode,
        error,
        null,
        null);
  }

  @Override
  public String ceType() {
    return TYPE;
  }

  @Override
  public String schemaName() {
    return "run-event";
  }

  public enum Outcome {
    @SerializedName("succeeded")
    SUCCEEDED,
    @SerializedName("failed")
    FAILED,
    @SerializedName("drifted")
    DRIFTED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What a plan or drift check found: services with at least one drifted resource, and fields that
   * differ over all of them (a missing resource counts as one).
   */
  public record Drift(int services, int fields) {}

  /**
   * A resource the run left in place on purpose (destroy kept it): which step, the resource, and
   * why and what to do (e.g. when Cloud Run releases a subnet and to run destroy again then).
   */
  public record Kept(String step, String resource, String message) {}

  /** How many steps ended which way. */
  public record Counts(
      int steps,
      int created,
      int updated,
      int deleted,
      int unchanged,
      int drifted,
      int failed,
      int skipped) {}
}
