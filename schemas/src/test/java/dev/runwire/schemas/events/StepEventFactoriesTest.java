package dev.runwire.schemas.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factories write what the positional constructor wrote, and the schema accepts it. */
class StepEventFactoriesTest {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-05T10:00:02.5Z");
  private static final TargetRef TARGET = new TargetRef("p1", "us-central1", "svc");
  private static final StepEvent.Subject SUBJECT =
      new StepEvent.Subject("r-1", "x-1", "cloud-nat", "//compute.googleapis.com/n", TARGET, 2);

  private static StepEvent positional(
      Action action,
      Status status,
      Instant finished,
      Long ms,
      List<FieldDiff> diff,
      Map<String, String> outputs,
      String message,
      EventError error) {
    return new StepEvent(
        null,
        "r-1",
        "x-1",
        "cloud-nat",
        "//compute.googleapis.com/n",
        TARGET,
        action,
        status,
        2,
        T0,
        finished,
        ms,
        diff,
        outputs,
        message,
        error);
  }

  private static void same(StepEvent expected, StepEvent built) {
    String json = MessageCodec.toJson(built);
    assertEquals(MessageCodec.toJson(expected), json);
    assertEquals(List.of(), MessageSchemas.standard().check(built.schemaName(), json), json);
  }

  @Test
  void eachFactoryWritesTheEventTheConstructorWrote() {
    List<FieldDiff> diff = List.of(new FieldDiff("natIps", "[a]", "[b]"));
    Map<String, String> outputs = Map.of("egressIp", "1.2.3.4");
    EventError error = new EventError("NatClash", "another NAT covers the subnet");
    EventError skipped = new EventError("DependencyFailed", "router failed");

    same(
        positional(Action.NONE, Status.STARTED, null, null, List.of(), Map.of(), "started", null),
        SUBJECT.started(T0));
    same(
        positional(Action.UPDATE, Status.SUCCEEDED, T1, 2500L, diff, outputs, "updated", null),
        SUBJECT.succeeded(T0, T1, Action.UPDATE, diff, outputs, "updated"));
    same(
        positional(Action.NONE, Status.SUCCEEDED, T1, 2500L, List.of(), Map.of(), "kept: x", null),
        SUBJECT.kept(T0, T1, "kept: x"));
    same(
        positional(Action.NONE, Status.DRIFTED, T1, 2500L, diff, Map.of(), "drifted", null),
        SUBJECT.drifted(T0, T1, diff, Map.of(), "drifted"));
    same(
        positional(Action.CREATE, Status.FAILED, T1, 2500L, diff, Map.of(), error.message(), error),
        SUBJECT.failed(T0, T1, Action.CREATE, diff, error));
    same(
        positional(
            Action.NONE,
            Status.SKIPPED,
            T1,
            2500L,
            List.of(),
            Map.of(),
            skipped.message(),
            skipped),
        SUBJECT.skipped(T0, T1, skipped));
  }
}
