package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Compares the managed fields of a resource: each step describes what it manages as a record (a
 * "spec"), and two specs are compared component by component. A component that is {@code null} in
 * the desired spec is not managed by this request and never differs. A map component is compared
 * key by key over the desired keys only ({@code env.REDIS_HOST}); a {@code null} desired value
 * there means "must be absent".
 */
public final class FieldDiffs {

  /** Shown for a desired value that depends on a resource that does not exist yet. */
  public static final String KNOWN_AFTER_APPLY = "(known after apply)";

  private FieldDiffs() {}

  /** The differing managed fields; {@code actual == null} means the resource does not exist. */
  public static List<FieldDiff> between(Record actual, Record desired) {
    List<FieldDiff> diffs = new ArrayList<>();
    for (RecordComponent component : desired.getClass().getRecordComponents()) {
      Object want = read(component, desired);
      Object have = actual == null ? null : read(component, actual);
      if (want instanceof Map<?, ?> wantMap) {
        Map<?, ?> haveMap = have instanceof Map<?, ?> m ? m : Map.of();
        for (Map.Entry<?, ?> entry : wantMap.entrySet()) {
          Object haveValue = haveMap.get(entry.getKey());
          if (!Objects.equals(haveValue, entry.getValue())) {
            diffs.add(
                new FieldDiff(
                    component.getName() + "." + entry.getKey(),
                    display(haveValue),
                    display(entry.getValue())));
          }
        }
      } else if (want != null && !Objects.equals(have, want)) {
        diffs.add(new FieldDiff(component.getName(), display(have), display(want)));
      }
    }
    return diffs;
  }

  /** True when one of {@code diffs} is about one of {@code fields} (a map field by its prefix). */
  public static List<FieldDiff> touching(List<FieldDiff> diffs, Collection<String> fields) {
    return diffs.stream()
        .filter(
            d ->
                fields.stream().anyMatch(f -> d.field().equals(f) || d.field().startsWith(f + ".")))
        .toList();
  }

  public static String names(List<FieldDiff> diffs) {
    return diffs.stream().map(FieldDiff::field).collect(Collectors.joining(", "));
  }

  /** {@code field: actual -> desired, ...} for messages. */
  public static String describe(List<FieldDiff> diffs) {
    return diffs.stream()
        .map(d -> d.field() + ": " + d.actual() + " -> " + d.desired())
        .collect(Collectors.joining(", "));
  }

  public static String display(Object value) {
    if (value == null) {
      return null; // the event leaves "actual" / "desired" out
    }
    if (value instanceof Collection<?> items) {
      return items.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
    return value.toString();
  }

  private static Object read(RecordComponent component, Record record) {
    try {
      component.getAccessor().setAccessible(true);
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + component.getName(), e);
    }
  }
}
