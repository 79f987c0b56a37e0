package dev.runwire.job.engine;

import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.List;
import java.util.Map;

/** How one step ended. */
public sealed interface StepOutcome {

  Status status();

  default Action action() {
    return Action.NONE;
  }

  default List<FieldDiff> diff() {
    return List.of();
  }

  default Map<String, String> outputs() {
    return Map.of();
  }

  String message();

  default EventError error() {
    return null;
  }

  /** True when dependents may run. Only a failure (or a skip) stops them. */
  default boolean letsDependentsRun() {
    return status() != Status.FAILED && status() != Status.SKIPPED;
  }

  /**
   * The step did what it had to (apply, destroy) or would do (plan): {@code action} says what.
   * {@code diff} lists what was (or would be) changed.
   */
  record Succeeded(Action action, List<FieldDiff> diff, Map<String, String> outputs, String message)
      implements StepOutcome {
    public Succeeded {
      diff = List.copyOf(diff);
      outputs = Map.copyOf(outputs);
    }

    @Override
    public Status status() {
      return Status.SUCCEEDED;
    }
  }

  /**
   * Destroy left the resource in place, and {@code message} (starting {@code "kept: "}) says why
   * and what to do: runwire did not create it, it holds data, other things live on it, or the cloud
   * still holds it and names when it lets go. The one way a step says "left behind": the run event
   * lists every kept resource.
   */
  record Kept(String resource, String message) implements StepOutcome {
    @Override
    public Status status() {
      return Status.SUCCEEDED;
    }
  }

  /** Drift check: the resource differs from the request (or is missing). */
  record Drifted(List<FieldDiff> diff, Map<String, String> outputs, String message)
      implements StepOutcome {
    public Drifted {
      diff = List.copyOf(diff);
      outputs = Map.copyOf(outputs);
    }

    @Override
    public Status status() {
      return Status.DRIFTED;
    }
  }

  /** The step could not do its work; {@code error.code} is a named reason or the API status. */
  record Failed(Action action, EventError error, List<FieldDiff> diff) implements StepOutcome {
    public Failed {
      diff = List.copyOf(diff);
    }

    @Override
    public Status status() {
      return Status.FAILED;
    }

    @Override
    public String message() {
      return error.message();
    }
  }

  /** The step did not run because a step it depends on failed or was skipped. */
  record Skipped(String message) implements StepOutcome {
    @Override
    public Status status() {
      return Status.SKIPPED;
    }

    @Override
    public EventError error() {
      return new EventError(Reasons.DEPENDENCY_FAILED, message);
    }
  }
}
