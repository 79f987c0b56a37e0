package dev.runwire.job.events;

import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepListener;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import java.time.Instant;

/** Turns step starts and ends into {@link StepEvent}s on a sink. */
public final class StepEventPublisher implements StepListener {

  private final EventSink sink;
  private final String requestId;
  private final String executionId;
  private final TargetRef target;
  private final int attempt;

  public StepEventPublisher(
      EventSink sink, String requestId, String executionId, TargetRef target, int attempt) {
    this.sink = sink;
    this.requestId = requestId;
    this.executionId = executionId;
    this.target = target;
    this.attempt = attempt;
  }

  @Override
  public void started(Step step, Instant at) {
    sink.publish(subject(step).started(at));
  }

  @Override
  public void ended(Step step, StepOutcome outcome, Instant startedAt, Instant endedAt) {
    sink.publish(event(subject(step), outcome, startedAt, endedAt));
  }

  private StepEvent.Subject subject(Step step) {
    return new StepEvent.Subject(
        requestId, executionId, step.kind().wire(), step.resource(), target, attempt);
  }

  private static StepEvent event(
      StepEvent.Subject subject, StepOutcome outcome, Instant startedAt, Instant endedAt) {
    if (outcome instanceof StepOutcome.Succeeded s) {
      return subject.succeeded(
          startedAt, endedAt, s.action(), s.diff(), s.outputs(), clip(s.message()));
    }
    if (outcome instanceof StepOutcome.Kept k) {
      return subject.kept(startedAt, endedAt, clip(k.message()));
    }
    if (outcome instanceof StepOutcome.Drifted d) {
      return subject.drifted(startedAt, endedAt, d.diff(), d.outputs(), clip(d.message()));
    }
    if (outcome instanceof StepOutcome.Failed f) {
      return subject.failed(startedAt, endedAt, f.action(), f.diff(), clip(f.error()));
    }
    return subject.skipped(startedAt, endedAt, clip(outcome.error()));
  }

  private static EventError clip(EventError error) {
    return new EventError(error.code(), clip(error.message()));
  }

  /** Messages are capped at 4096 characters by the schema; API errors can be longer. */
  private static String clip(String text) {
    return text == null || text.length() <= 4000 ? text : text.substring(0, 4000) + "...";
  }
}
