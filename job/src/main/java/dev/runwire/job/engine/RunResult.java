package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.Status;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** How every planned step of one run ended, in plan order. */
public record RunResult(Map<StepKind, StepOutcome> outcomes) {

  public RunResult {
    outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
  }

  public boolean anyFailed() {
    return outcomes.values().stream().anyMatch(o -> o.status() == Status.FAILED);
  }

  public boolean anyDrifted() {
    return outcomes.values().stream().anyMatch(o -> o.status() == Status.DRIFTED);
  }

  public StepOutcome outcome(StepKind kind) {
    return outcomes.get(kind);
  }

  /** Every output of every step (redis host/port, egress IP, service URL). */
  public Map<String, String> outputs() {
    Map<String, String> all = new LinkedHashMap<>();
    outcomes.values().forEach(o -> all.putAll(o.outputs()));
    return all;
  }
}
