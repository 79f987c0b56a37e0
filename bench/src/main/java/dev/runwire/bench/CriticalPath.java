package dev.runwire.bench;

import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.StepKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The lower bound on a run: the longest chain of dependent steps of the job's own {@link Plan},
 * each weighted by how long its operations take. Nothing can finish faster, however parallel.
 *
 * @param length the sum of the weights along the chain
 * @param chain the steps of the longest chain, first to last
 * @param total the sum of all weights (what a one-by-one run waits for at least)
 */
public record CriticalPath(Duration length, List<StepKind> chain, Duration total) {

  public static CriticalPath of(Plan plan, Map<StepKind, Duration> weights) {
    Map<StepKind, Duration> finish = new EnumMap<>(StepKind.class);
    Map<StepKind, StepKind> via = new EnumMap<>(StepKind.class);
    Duration total = Duration.ZERO;
    StepKind last = null;
    // The plan lists nodes in dependency order, so every parent is finished before its child.
    for (Plan.Node node : plan.nodes()) {
      Duration start = Duration.ZERO;
      for (StepKind parent : node.dependsOn()) {
        if (finish.get(parent).compareTo(start) > 0) {
          start = finish.get(parent);
          via.put(node.kind(), parent);
        } else if (start.isZero() && !via.containsKey(node.kind())) {
          via.put(node.kind(), parent);
        }
      }
      Duration weight = weights.getOrDefault(node.kind(), Duration.ZERO);
      total = total.plus(weight);
      Duration end = start.plus(weight);
      finish.put(node.kind(), end);
      if (last == null || end.compareTo(finish.get(last)) >= 0) {
        last = node.kind();
      }
    }
    List<StepKind> chain = new ArrayList<>();
    for (StepKind k = last; k != null; k = via.get(k)) {
      chain.add(k);
    }
    Collections.reverse(chain);
    return new CriticalPath(last == null ? Duration.ZERO : finish.get(last), chain, total);
  }

  public String chainText() {
    return chain.stream().map(StepKind::wire).collect(Collectors.joining(" → "));
  }
}
