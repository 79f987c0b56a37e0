package dev.runwire.job;

import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.events.RunEvent;
import java.util.List;

/** How many steps of a run ended which way. */
final class RunCounts {

  private RunCounts() {}

  static RunEvent.Counts of(List<RunResult> results) {
    int steps = 0,
        created = 0,
        updated = 0,
        deleted = 0,
        unchanged = 0,
        drifted = 0,
        failed = 0,
        skipped = 0;
    for (RunResult result : results) {
      for (StepOutcome o : result.outcomes().values()) {
        steps++;
        switch (o.status()) {
          case FAILED -> failed++;
          case SKIPPED -> skipped++;
          case DRIFTED -> drifted++;
          default -> {
            switch (o.action()) {
              case CREATE -> created++;
              case UPDATE -> updated++;
              case DELETE -> deleted++;
              case NONE -> unchanged++;
            }
          }
        }
      }
    }
    return new RunEvent.Counts(
        steps, created, updated, deleted, unchanged, drifted, failed, skipped);
  }
}
