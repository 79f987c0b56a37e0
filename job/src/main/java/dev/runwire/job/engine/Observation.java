package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;

/**
 * What a step found: whether the resource exists, whether it is settled, and how its managed fields
 * differ from the desired ones.
 *
 * @param detail why the resource is in progress or failed (its state, a condition message)
 */
public record Observation<R>(R resource, Progress progress, List<FieldDiff> diff, String detail) {

  public enum Progress {
    /** The resource does not exist. */
    ABSENT,
    /** Being created or changed (CREATING, reconciling...): wait, do not act. */
    IN_PROGRESS,
    /** Settled and usable. */
    READY,
    /** Settled in a failed state (connector ERROR, a revision that did not become ready). */
    FAILED
  }

  public Observation {
    diff = List.copyOf(diff);
  }

  public static <R> Observation<R> absent(List<FieldDiff> diff) {
    return new Observation<>(null, Progress.ABSENT, diff, "not found");
  }

  public boolean exists() {
    return progress != Progress.ABSENT;
  }

  public boolean settled() {
    return progress != Progress.IN_PROGRESS;
  }
}
