package dev.runwire.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.cloud.CloudLoggingEventSink;
import dev.runwire.schemas.cloud.StructuredLog;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSinksTest {

  private static final Step REDIS =
      new Step() {
        @Override
        public StepKind kind() {
          return StepKind.REDIS_INSTANCE;
        }

        @Override
        public String resource() {
          return "//redis.googleapis.com/projects/p/locations/r/instances/i";
        }

        @Override
        public StepOutcome execute(StepContext ctx) {
          throw new UnsupportedOperationException();
        }
      };

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void withoutATerminalEachEventIsOneCloudLoggingLineThatMatchesItsSchema() {
    CloudLoggingEventSink sink =
        new CloudLoggingEventSink(new StructuredLog(out, Clock.systemUTC()));
    StepEventPublisher publisher =
        new StepEventPublisher(sink, "req-1", "exec-1", new TargetRef("p", "r", "svc"), 1);
    Instant start = Instant.parse("2026-11-22T10:00:00Z");

    publisher.started(REDIS, start);
    publisher.ended(
        REDIS,
        new StepOutcome.Succeeded(
            Action.UPDATE,
            List.of(new FieldDiff("memorySizeGb", "3", "1")),
            Map.of("redisHost", "10.0.0.3"),
            "updated"),
        start,
        start.plusMillis(1500));
    publisher.ended(
        REDIS,
        new StepOutcome.Failed(Action.NONE, new EventError("NeedsReplacement", "tier"), List.of()),
        start,
        start);

    List<JsonObject> lines =
        bytes
            .toString(StandardCharsets.UTF_8)
            .lines()
            .map(l -> JsonParser.parseString(l).getAsJsonObject())
            .toList();
    assertEquals(3, lines.size());
    assertEquals("INFO", lines.get(1).get("severity").getAsString());
    assertEquals("ERROR", lines.get(2).get("severity").getAsString());
    JsonObject labels = lines.get(1).getAsJsonObject("logging.googleapis.com/labels");
    assertEquals("req-1", labels.get("requestId").getAsString());
    assertEquals("redis-instance", labels.get("step").getAsString());
    assertEquals("succeeded", labels.get("status").getAsString());
    assertTrue(lines.get(1).get("message").getAsString().contains("memorySizeGb: 3 -> 1"));
    for (JsonObject line : lines) {
      assertEquals(
          List.of(),
          MessageSchemas.standard().check(MessageSchemas.STEP_EVENT, line.get("event")),
          line.toString());
    }
  }

  @Test
  void onATerminalTheLiveViewShowsWaitingStepsThenASummary() {
    LiveConsoleView view = new LiveConsoleView(out, Clock.systemUTC());
    StepEventPublisher publisher =
        new StepEventPublisher(view, "req-1", "exec-1", new TargetRef("p", "r", "svc"), 1);
    Instant start = Instant.now();

    view.showPlan("svc", List.of("redis-instance", "verify"));
    publisher.started(REDIS, start);
    publisher.ended(
        REDIS,
        new StepOutcome.Succeeded(Action.CREATE, List.of(), Map.of(), "created"),
        start,
        start.plusMillis(2300));
    view.publish(
        new RunEvent(
            null,
            "req-1",
            "exec-1",
            "apply",
            RunEvent.Outcome.SUCCEEDED,
            start,
            start,
            2300,
            new RunEvent.Counts(2, 1, 0, 0, 1, 0, 0, 0),
            Map.of("redisHost", "10.0.0.3"),
            0,
            1,
            1,
            0,
            null));
    view.close();

    String screen = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(screen.contains("waiting"), screen);
    assertTrue(screen.contains("running"), screen);
    assertTrue(screen.contains("succeeded create 2.3s"), screen);
    assertTrue(screen.contains("STEP"), screen);
    assertTrue(screen.contains("redisHost=10.0.0.3"), screen);
  }
}
