package dev.runwire.job.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode.Code;
import dev.runwire.job.testing.TestRequests;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reconcile loop over an in-memory resource (a fake, for the engine alone). */
class ResourceStepTest {

  /** A resource with one updatable field and one that needs replacement. */
  record Box(String size, String colour, boolean busy) {}

  record BoxSpec(String size, String colour) {}

  static final class BoxStep extends ResourceStep<Box, BoxSpec>
      implements Creator<BoxSpec>, Updater<Box, BoxSpec>, Deleter<Box> {
    Box stored;
    BoxSpec wanted = new BoxSpec("small", "red");
    final List<String> mutations = new ArrayList<>();
    int busyReadsLeft;
    boolean createRacesWithAnother;

    @Override
    public StepKind kind() {
      return StepKind.REDIS_INSTANCE;
    }

    @Override
    public String resource() {
      return "//fake/box";
    }

    @Override
    protected Optional<Box> read(StepContext ctx) {
      if (stored != null && busyReadsLeft > 0) {
        busyReadsLeft--;
        return Optional.of(new Box(stored.size(), stored.colour(), true));
      }
      return Optional.ofNullable(stored).map(b -> new Box(b.size(), b.colour(), false));
    }

    @Override
    protected Observation.Progress progress(Box box) {
      return box.busy() ? Observation.Progress.IN_PROGRESS : Observation.Progress.READY;
    }

    @Override
    protected BoxSpec actual(Box box) {
      return new BoxSpec(box.size(), box.colour());
    }

    @Override
    protected BoxSpec desired(StepContext ctx) {
      return wanted;
    }

    @Override
    protected Map<String, String> outputs(Box box, StepContext ctx) {
      return Map.of("size", box.size());
    }

    @Override
    public void create(BoxSpec desired, StepContext ctx) {
      mutations.add("create");
      if (createRacesWithAnother) {
        stored = new Box(desired.size(), desired.colour(), false);
        throw ApiExceptionFactory.createException(
            "ALREADY_EXISTS", null, HttpJsonStatusCode.of(Code.ALREADY_EXISTS), false);
      }
      stored = new Box(desired.size(), desired.colour(), false);
    }

    @Override
    public void update(Box actual, BoxSpec desired, List<FieldDiff> diff, StepContext ctx) {
      mutations.add("update " + FieldDiffs.names(diff));
      stored = new Box(desired.size(), desired.colour(), false);
    }

    @Override
    public Set<String> replacementFields() {
      return Set.of("colour");
    }

    @Override
    public void delete(Box actual, StepContext ctx) {
      mutations.add("delete");
      stored = null;
    }

    @Override
    protected String keepOnDestroy(Box actual, StepContext ctx) {
      return ctx.request().allowDataLoss() ? null : "kept: allowDataLoss is false";
    }
  }

  private final BoxStep step = new BoxStep();

  @Test
  void absentResourceIsCreated() {
    StepOutcome outcome = run(Mode.APPLY, false);

    assertEquals(Action.CREATE, outcome.action());
    assertEquals(List.of("create"), step.mutations);
    assertEquals(Map.of("size", "small"), outcome.outputs());
  }

  @Test
  void equalResourceIsLeftAloneWithoutMutations() {
    step.stored = new Box("small", "red", false);

    StepOutcome outcome = run(Mode.APPLY, false);

    assertEquals(Action.NONE, outcome.action());
    assertEquals(List.of(), step.mutations);
  }

  @Test
  void driftedUpdatableFieldIsUpdatedAndReported() {
    step.stored = new Box("large", "red", false);

    StepOutcome outcome = run(Mode.APPLY, false);

    assertEquals(Action.UPDATE, outcome.action());
    assertEquals(List.of(new FieldDiff("size", "large", "small")), outcome.diff());
    assertEquals(List.of("update size"), step.mutations);
  }

  @Test
  void fieldThatNeedsReplacementIsNeverChangedInApply() {
    step.stored = new Box("small", "blue", false);

    StepFailure failure = assertThrows(StepFailure.class, () -> run(Mode.APPLY, false));

    assertEquals(Reasons.NEEDS_REPLACEMENT, failure.reason());
    assertTrue(failure.getMessage().contains("colour"), failure.getMessage());
    assertTrue(failure.getMessage().contains("does not replace"), failure.getMessage());
    assertEquals(List.of(), step.mutations);
  }

  @Test
  void resourceFoundMidOperationIsWaitedOnNotRecreated() {
    step.stored = new Box("small", "red", false);
    step.busyReadsLeft = 3;

    StepOutcome outcome = run(Mode.APPLY, false);

    assertEquals(Action.NONE, outcome.action());
    assertEquals(List.of(), step.mutations);
    assertEquals(0, step.busyReadsLeft);
  }

  @Test
  void alreadyExistsOnCreateMeansObserveAgain() {
    step.createRacesWithAnother = true;

    StepOutcome outcome = run(Mode.APPLY, false);

    assertEquals(Status.SUCCEEDED, outcome.status());
    assertEquals(Action.CREATE, outcome.action());
  }

  @Test
  void planReportsTheDiffWithoutMutating() {
    step.stored = new Box("large", "blue", false);

    StepOutcome outcome = run(Mode.PLAN, false);

    assertEquals(Action.UPDATE, outcome.action());
    assertEquals(2, outcome.diff().size());
    assertTrue(outcome.message().contains("apply would stop: colour"), outcome.message());
    assertEquals(List.of(), step.mutations);
  }

  @Test
  void driftCheckReportsDriftedFieldsWithoutMutating() {
    step.stored = new Box("large", "red", false);

    StepOutcome outcome = run(Mode.DRIFT_CHECK, false);

    assertEquals(Status.DRIFTED, outcome.status());
    assertEquals(List.of(new FieldDiff("size", "large", "small")), outcome.diff());
    assertEquals(List.of(), step.mutations);
  }

  @Test
  void driftCheckReportsAMissingResourceAsDrift() {
    StepOutcome outcome = run(Mode.DRIFT_CHECK, false);

    assertEquals(Status.DRIFTED, outcome.status());
    assertEquals("exists", outcome.diff().get(0).field());
  }

  @Test
  void destroyKeepsWhatTheStepProtects() {
    step.stored = new Box("small", "red", false);

    StepOutcome outcome = run(Mode.DESTROY, false);

    assertEquals(Action.NONE, outcome.action());
    assertTrue(outcome.message().contains("allowDataLoss"));
    assertEquals(List.of(), step.mutations);
  }

  @Test
  void destroyDeletesWhenAllowed() {
    step.stored = new Box("small", "red", false);

    StepOutcome outcome = run(Mode.DESTROY, true);

    assertEquals(Action.DELETE, outcome.action());
    assertEquals(List.of("delete"), step.mutations);
  }

  private StepOutcome run(Mode mode, boolean allowDataLoss) {
    ProvisioningRequest request =
        TestRequests.tweak(
            TestRequests.directVpcJson(false),
            json -> {
              json.addProperty("mode", mode.wire());
              json.addProperty("allowDataLoss", allowDataLoss);
            });
    return step.execute(DagRunnerTest.context(request).startStep(step.kind()));
  }
}
