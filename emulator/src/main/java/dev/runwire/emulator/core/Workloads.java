package dev.runwire.emulator.core;

import com.google.cloud.run.v2.VpcAccess;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** The workload {@code pid} belongs to: its own or its nearest registered ancestor's. */
  public Optional<Workload> owning(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    int depth = 0;
    while (h.isPresent() && depth++ < 64) {
      Workload w = roots.get(h.get().pid());
      if (w != null) {
        return Optional.of(w);
      }
      h = h.get().parent();
    }
    return Optional.empty();
  }

  /** Every live process of every workload: the registered roots and their descendants. */
  public Set<Long> processes() {
    Set<Long> out = new HashSet<>();
    for (Long root : List.copyOf(roots.keySet())) {
      ProcessHandle.of(root)
          .ifPresent(
              h -> {
                out.add(root);
                h.descendants().forEach(d -> out.add(d.pid()));
              });
    }
    return out;
  }
}
