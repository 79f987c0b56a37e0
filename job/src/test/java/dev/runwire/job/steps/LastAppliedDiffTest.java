package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step event names the request fields that changed, not the whole last-applied request. */
class LastAppliedDiffTest {

  static final String FIELD = "annotations.runwire.dev/last-applied";

  @Test
  void changedRequestFieldsAreNamedInsteadOfTheWholeRequest() {
    FieldDiff whole =
        new FieldDiff(
            FIELD,
            "{\"redis\":{\"name\":\"cache\",\"memorySizeGb\":1},\"egress\":{\"route\":\"a\"}}",
            "{\"redis\":{\"name\":\"cache\",\"memorySizeGb\":2},\"egress\":{\"route\":\"a\"}}");

    List<FieldDiff> shown = ServiceWiring.readable(List.of(whole));

    assertEquals(
        List.of(new FieldDiff(FIELD, "redis.memorySizeGb=1", "redis.memorySizeGb=2")), shown);
  }

  @Test
  void firstWiringSaysTheRequestIsRecorded() {
    List<FieldDiff> shown =
        ServiceWiring.readable(List.of(new FieldDiff(FIELD, null, "{\"redis\":{}}")));

    assertEquals(List.of(new FieldDiff(FIELD, null, "the request")), shown);
  }

  @Test
  void otherFieldsAreLeftAsTheyAre() {
    FieldDiff env = new FieldDiff("env.REDIS_HOST", "a", "b");

    assertEquals(List.of(env), ServiceWiring.readable(List.of(env)));
  }
}
