package dev.runwire.emulator.core;

import com.google.cloud.run.v2.VpcAccess;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process trees the local cloud runs as Cloud Run workloads (service revisions, job tasks),
 * each with the network settings its revision or execution has, so the network can tell whose
 * connection it is. A process the local cloud did not start belongs to no workload.
 */
public final class Workloads {

  /**
   * A workload as the network sees it: {@code kind} "service revision" or "job task", its full
   * resource name, where it runs, its service account (empty: the default compute account) and its
   * {@code vpcAccess} as the revision or execution template has it (checked on deploy).
   */
  public record Workload(
      String kind,
      String name,
      String project,
      String region,
      String serviceAccount,
      VpcAccess vpcAccess) {

    /** {@code service revision projects/p/locations/r/services/s/revisions/s-00001-abc}. */
    public String describe() {
      return kind + " " + name;
    }
  }

  private final Map<Long, Workload> roots = new ConcurrentHashMap<>();

  /** {@code process} and every process it starts run as {@code workload} until it exits. */
  public void register(Process process, Workload workload) {
    long pid = process.pid();
    roots.put(pid, workload);
    process.onExit().thenRun(() -> roots.remove(pid, workload));
  }

  public boolean isEmpty() {
    return roots.isEmpty();
  }

  /**
   * Every live process of every workload (the registered roots and their descendants) with the
   * workload it runs as. On Linux one pass over {@code /proc/<pid>/stat} gives every parent at
   * once; {@code ProcessHandle.descendants()} would walk {@code /proc} once per root, 50 walks for
   * a 50-service fleet on every question.
   */
  public Map<Long, Workload> members() {
    Map<Long, Workload> registered = Map.copyOf(roots);
    if (registered.isEmpty()) {
      return Map.of();
    }
    Map<Long, Long> parents = ProcessTable.parents();
    if (parents.isEmpty()) {
      return membersByHandles(registered);
    }
    Map<Long, Workload> out = new HashMap<>();
    for (Long pid : parents.keySet()) {
      Workload w = ownerIn(pid, parents, registered);
      if (w != null) {
        out.put(pid, w);
      }
    }
    return out;
  }

  /** The workload of {@code pid}'s nearest registered ancestor (itself included), or null. */
  private static Workload ownerIn(long pid, Map<Long, Long> parents, Map<Long, Workload> roots) {
    Long p = pid;
    for (int depth = 0; p != null && p > 0 && depth < 64; depth++) {
      Workload w = roots.get(p);
      if (w != null) {
        return w;
      }
      p = parents.get(p);
    }
    return null;
  }

  /** Where there is no {@code /proc}: each root's descendants from the JDK. */
  private static Map<Long, Workload> membersByHandles(Map<Long, Workload> registered) {
    Map<Long, Workload> out = new HashMap<>();
    registered.forEach(
        (root, w) ->
            ProcessHandle.of(root)
                .ifPresent(
                    h -> {
                      out.put(root, w);
                      h.descendants().forEach(d -> out.putIfAbsent(d.pid(), w));
                    }));
    return out;
  }
}
