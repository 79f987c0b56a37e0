package dev.runwire.schemas.events;

import com.google.gson.annotations.SerializedName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step of one execution started or ended. Published once when a step starts ({@code started})
 * and once when it ends.
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

  /** One managed field whose actual value differs from the desired one. */
  public record FieldDiff(String field, String actual, String desired) {}

  /** The Cloud Run service (and where) a step works for. */
  public record TargetRef(String project, String region, String service) {}
}
