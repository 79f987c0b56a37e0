package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;
import java.util.Set;

/** A step that can change its resource in place. */
public interface Updater<R, S extends Record> {

  void update(R actual, S desired, List<FieldDiff> diff, StepContext ctx);

  /** Spec fields that cannot change in place: a diff there needs a replacement. */
  default Set<String> replacementFields() {
    return Set.of();
  }

  /**
   * The part of {@code diff} that cannot happen in place: by default the diffs of {@link
   * #replacementFields()}; a step whose rule depends on the values (a connector may grow, not
   * shrink) says so here.
   */
  default List<FieldDiff> needsReplacement(List<FieldDiff> diff) {
    return FieldDiffs.touching(diff, replacementFields());
  }
}
