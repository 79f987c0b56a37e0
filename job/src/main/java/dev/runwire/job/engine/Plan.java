package dev.runwire.job.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of one run and what each waits for, in an order that respects the dependencies (the
 * order a sequential run uses). Built by {@link DagPlanner}; a step that does not apply to the
 * request is not in the plan.
 */
public record Plan(List<Node> nodes) {

  public Plan {
    nodes = List.copyOf(nodes);
    checkTopological(nodes);
  }

  /** One step and the steps that must end well before it starts. */
  public record Node(StepKind kind, Set<StepKind> dependsOn) {
    public Node {
      dependsOn = dependsOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dependsOn));
    }
  }

  public List<StepKind> order() {
    return nodes.stream().map(Node::kind).toList();
  }

  public boolean contains(StepKind kind) {
    return nodes.stream().anyMatch(n -> n.kind() == kind);
  }

  public Node node(StepKind kind) {
    return nodes.stream()
        .filter(n -> n.kind() == kind)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(kind.wire() + " is not in the plan"));
  }

  /** The same graph with every edge turned around, for tearing down. */
  public Plan reversed() {
    Map<StepKind, Set<StepKind>> dependents = new EnumMap<>(StepKind.class);
    for (Node node : nodes) {
      dependents.putIfAbsent(node.kind(), EnumSet.noneOf(StepKind.class));
      for (StepKind parent : node.dependsOn()) {
        dependents.computeIfAbsent(parent, k -> EnumSet.noneOf(StepKind.class)).add(node.kind());
      }
    }
    List<Node> reversed = new ArrayList<>();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      StepKind kind = nodes.get(i).kind();
      reversed.add(new Node(kind, dependents.get(kind)));
    }
    return new Plan(reversed);
  }

  /** The same graph without {@code kind}; edges to it go too. */
  public Plan without(StepKind kind) {
    List<Node> kept = new ArrayList<>();
    for (Node node : nodes) {
      if (node.kind() != kind) {
        Set<StepKind> deps = new HashSet<>(node.dependsOn());
        deps.remove(kind);
        kept.add(new Node(node.kind(), deps));
      }
    }
    return new Plan(kept);
  }

  /**
   * The same graph listed in {@code order} (for a sequential run in a chosen order, such as the
   * order a person follows in the manual guide). Steps of {@code order} that are not planned are
   * ignored; planned steps missing from it keep their place at the end.
   */
  public Plan inOrder(List<StepKind> order) {
    Map<StepKind, Node> byKind = new LinkedHashMap<>();
    for (StepKind kind : order) {
      if (contains(kind)) {
        byKind.put(kind, node(kind));
      }
    }
    for (Node node : nodes) {
      byKind.putIfAbsent(node.kind(), node);
    }
    return new Plan(new ArrayList<>(byKind.values()));
  }

  private static void checkTopological(List<Node> nodes) {
    Set<StepKind> seen = EnumSet.noneOf(StepKind.class);
    Set<StepKind> all = EnumSet.noneOf(StepKind.class);
    nodes.forEach(n -> all.add(n.kind()));
    for (Node node : nodes) {
      for (StepKind parent : node.dependsOn()) {
        if (!all.contains(parent)) {
          throw new IllegalArgumentException(
              node.kind().wire() + " depends on " + parent.wire() + ", which is not planned");
        }
        if (!seen.contains(parent)) {
          throw new IllegalArgumentException(
              node.kind().wire() + " is listed before " + parent.wire() + ", which it depends on");
        }
      }
      if (!seen.add(node.kind())) {
        throw new IllegalArgumentException(node.kind().wire() + " is planned twice");
      }
    }
  }
}
