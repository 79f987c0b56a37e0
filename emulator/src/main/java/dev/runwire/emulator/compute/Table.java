package dev.runwire.emulator.compute;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resources of one Compute collection, keyed by relative name. A resource whose insert
 * operation is still running is pending: it holds its name and its ranges, but GET and list do not
 * show it until the operation is done. Called with the state lock held.
 */
final class Table<M extends Message> {

  private static final class Row<M> {
    M resource;
    boolean pending;

    Row(M resource, boolean pending) {
      this.resource = resource;
      this.pending = pending;
    }
  }

  private final TreeMap<String, Row<M>> rows = new TreeMap<>();

  /** The resource, once its insert is done. */
  Optional<M> get(String relativeName) {
    Row<M> row = rows.get(relativeName);
    return row == null || row.pending ? Optional.empty() : Optional.of(row.resource);
  }

  M require(String relativeName) {
    return get(relativeName).orElseThrow(() -> ComputeErrors.notFound(relativeName));
  }

  /** Taken by a resource, done or pending. */
  boolean holds(String relativeName) {
    return rows.containsKey(relativeName);
  }

  void putPending(String relativeName, M resource) {
    rows.put(relativeName, new Row<>(resource, true));
  }

  void put(String relativeName, M resource) {
    rows.put(relativeName, new Row<>(resource, false));
  }

  /** Shows a pending resource. */
  void commit(String relativeName) {
    Row<M> row = rows.get(relativeName);
    if (row != null) {
      row.pending = false;
    }
  }

  void remove(String relativeName) {
    rows.remove(relativeName);
  }

  /** Done resources whose relative name starts with {@code prefix}, in name order. */
  List<M> list(String prefix) {
    List<M> out = new ArrayList<>();
    for (var e : rows.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (!e.getValue().pending) {
        out.add(e.getValue().resource);
      }
    }
    return out;
  }

  /** Done and pending resources: what holds names, ranges and addresses. */
  List<M> allHeld() {
    List<M> out = new ArrayList<>();
    rows.values().forEach(r -> out.add(r.resource));
    return out;
  }

  void clear() {
    rows.clear();
  }
}
