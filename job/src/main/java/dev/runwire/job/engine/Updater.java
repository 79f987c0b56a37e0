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
}
