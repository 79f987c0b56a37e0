package dev.runwire.job.events;

import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepListener;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.Status;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
    sink.publish(
        new StepEvent(
            null,
            requestId,
            executionId,
            step.kind().wire(),
            step.resource(),
            target,
            Action.NONE,
            Status.STARTED,
            attempt,
            at,
            null,
            null,
            List.of(),
            Map.of(),
            "started",
            null));
  }

  @Override
  public void ended(Step step, StepOutcome outcome, Instant startedAt, Instant endedAt) {
    sink.publish(
        new StepEvent(
            null,
            requestId,
            executionId,
            step.kind().wire(),
            step.resource(),
            target,
            outcome.action(),
            outcome.status(),
            attempt,
            startedAt,
            endedAt,
            Duration.between(startedAt, endedAt).toMillis(),
            outcome.diff(),
            outcome.outputs(),
            clip(outcome.message()),
            outcome.error() == null
                ? null
                : new EventError(outcome.error().code(), clip(outcome.error().message()))));
  }

  /** Messages are capped at 4096 characters by the schema; API errors can be longer. */
  private static String clip(String text) {
    return text == null || text.length() <= 4000 ? text : text.substring(0, 4000) + "...";
  }
}
