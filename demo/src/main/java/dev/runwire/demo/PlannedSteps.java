package dev.runwire.demo;

import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The steps the job will run for a request, from the job's own {@link DagPlanner}, each with its
 * depth in the DAG (0 for steps that wait for nothing), so the view can list every step as waiting
 * before it starts and indent the branches.
 */
final class PlannedSteps {

  private PlannedSteps() {}

  /** Step name to depth, in the plan's order; empty when the request is invalid or scoped. */
  static Map<String, Integer> of(String requestJson) {
    ValidationResult result = RequestValidator.standard().validate(requestJson);
    if (!result.valid() || result.request().isScoped()) {
      return Map.of(); // the function rejects it, or it sweeps many targets: learn from events
    }
    return of(result.request());
  }

  static Map<String, Integer> of(ProvisioningRequest request) {
    Plan plan = DagPlanner.plan(request);
    Map<StepKind, Integer> depth = new EnumMap<>(StepKind.class);
    Map<String, Integer> steps = new LinkedHashMap<>();
    for (Plan.Node node : plan.nodes()) { // topological: parents come first
      int d = 0;
      for (StepKind parent : node.dependsOn()) {
        d = Math.max(d, depth.get(parent) + 1);
      }
      depth.put(node.kind(), d);
      steps.put(node.kind().wire(), d);
    }
    return steps;
  }
}
