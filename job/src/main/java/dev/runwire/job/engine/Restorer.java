package dev.runwire.job.engine;

import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;

/**
 * A step whose resource is not runwire's to delete (the Cloud Run service): destroy hands it back
 * as it was before runwire wired it.
 */
public interface Restorer<R> {

  /** What restoring would change; empty when the resource carries nothing of runwire's. */
  List<FieldDiff> restoreDiff(R actual);

  void restore(R actual, StepContext ctx);
}
