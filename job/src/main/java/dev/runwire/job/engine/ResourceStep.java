package dev.runwire.job.engine;

import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.schemas.ProvisioningRequest.AdoptKind;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reconcile loop every resource step shares (the contract of Kubernetes controllers, Crossplane
 * and the Java Operator SDK): observe the actual resource, compute the desired spec from the
 * request, compare only the managed fields, then create / update / leave alone (apply), report
 * (plan, drift-check) or tear down (destroy). What a step can do is declared by the capability
 * interfaces it implements: {@link Creator}, {@link Updater}, {@link Deleter}, {@link Restorer}.
 *
 * <p>Ownership: a resource runwire did not create (and was not asked to adopt) is used, never
 * changed or deleted. A difference on it fails the step with {@link Reasons#NOT_OWNED} (except on
 * the {@link #wiringFields()} runwire may set on anything it wires); destroy and pruning keep it.
 *
 * @param <R> the API resource (a proto message)
 * @param <S> the managed fields of it, as a record (see {@link FieldDiffs})
 */
public abstract class ResourceStep<R, S extends Record> implements Step {

  /** Reads the resource (one GET, or a list page in a sweep); empty when it does not exist. */
  protected abstract Optional<R> read(StepContext ctx);

  /** The managed fields of an existing resource. */
  protected abstract S actual(R resource);

  /**
   * The managed fields the request asks for: a pure function of the request and upstream outputs.
   */
  protected abstract S desired(StepContext ctx);

  /** Whether the resource is settled; override for resources with a state. */
  protected Progress progress(R resource) {
    return Progress.READY;
  }

  /** A short description of the resource's state for messages (its state, a condition). */
  protected String detail(R resource) {
    return progress(resource).name();
  }

  /** What dependents get from this resource (host and port, IP, URL), or {@code null}. */
  protected StepOutput output(R resource, StepContext ctx) {
    return null;
  }

  /** The event form of the output; by default {@link StepOutput#fields()}. */
  protected Map<String, String> outputs(R resource, StepContext ctx) {
    StepOutput output = output(resource, ctx);
    return output == null ? Map.of() : output.fields();
  }

  /** Hands the output to dependents and returns its event form. */
  private Map<String, String> provide(R resource, StepContext ctx) {
    recordOwnership(resource, ctx);
    StepOutput output = output(resource, ctx);
    if (output != null) {
      ctx.provide(output);
    }
    return outputs(resource, ctx);
  }

  /** The failure when the resource is missing and this step does not create it. */
  protected StepFailure missing(StepContext ctx) {
    return new StepFailure(Reasons.NOT_READY, resource() + " does not exist");
  }

  /** How runwire knows the resource is its own; by default it always is. */
  protected Ownership ownership(R actual, StepContext ctx) {
    return Ownership.MARKED;
  }

  /**
   * The name this resource goes by in the service's record of what runwire owns, or {@code null}
   * for a resource that always carries its own mark.
   */
  protected String recordedName() {
    return null;
  }

  /** Fields that hold runwire's mark (labels): no difference on a resource runwire only uses. */
  protected Set<String> markFields() {
    return Set.of();
  }

  /**
   * Fields runwire may set on a resource it does not own (the service's wiring); none by default.
   */
  protected Set<String> wiringFields() {
    return Set.of();
  }

  /** True while this run created the resource (its mark may not be visible yet). */
  private volatile boolean createdByThisRun;

  /** Whether runwire owns the resource: it created it, adopts it now, or a mark says so. */
  protected final boolean owned(R actual, StepContext ctx) {
    return createdByThisRun || adopting(ctx) || ownership(actual, ctx) != Ownership.NONE;
  }

  /** The request adopts this kind (only when the step runs as itself, not while pruning). */
  protected final boolean adopting(StepContext ctx) {
    return ctx.kind() == kind()
        && ctx.request().adoptedKinds().stream().anyMatch(k -> k.wire().equals(kind().wire()));
  }

  /** Notes a resource runwire owns that carries no mark of its own, for the service to record. */
  private void recordOwnership(R resource, StepContext ctx) {
    if (recordedName() != null
        && ctx.kind() == kind()
        && owned(resource, ctx)
        && ownership(resource, ctx) != Ownership.MARKED) {
      ctx.recordOwned(kind(), recordedName());
    }
  }

  /** The differences runwire may not make because it does not own the resource. */
  private List<FieldDiff> notOwned(Observation<R> seen, StepContext ctx) {
    if (!seen.exists() || seen.diff().isEmpty() || owned(seen.resource(), ctx)) {
      return List.of();
    }
    List<FieldDiff> wiring = FieldDiffs.touching(seen.diff(), wiringFields());
    return seen.diff().stream().filter(d -> !wiring.contains(d)).toList();
  }

  private StepFailure notOwnedFailure(List<FieldDiff> refused) {
    boolean adoptable =
        Arrays.stream(AdoptKind.values()).anyMatch(k -> k.wire().equals(kind().wire()));
    return new StepFailure(
        Reasons.NOT_OWNED,
        FieldDiffs.names(refused)
            + " of "
            + resource()
            + " differ from the request ("
            + FieldDiffs.describe(refused)
            + "), but runwire did not create it, so it uses it and never changes it. Change it"
            + " yourself, or name a resource runwire may create"
            + (adoptable
                ? ", or take this one over with \"adopt\": [\""
                    + kind().wire()
                    + "\"] (the deployment policy must allow adoption)."
                : "."));
  }

  /**
   * Why apply may not make this update at all (a difference the step refuses, say an env var
   * runwire did not set), or {@code null}. Apply throws it before any change; plan reports it as
   * what apply would stop on. One check for both, so a plan never promises an update apply refuses.
   */
  protected StepFailure refusesUpdate(R actual, List<FieldDiff> diff) {
    return null;
  }

  /**
   * Why destroy keeps the resource, or {@code null} to delete it. A delete the cloud refuses for a
   * while ends the same way: the deleter throws {@link KeptOnDestroy}.
   */
  protected String keepOnDestroy(R actual, StepContext ctx) {
    return null;
  }

  /**
   * The diff as events and log lines show it; a step whose field holds a whole document (the
   * service's last-applied request) names what changed inside it instead.
   */
  protected List<FieldDiff> readable(List<FieldDiff> diff) {
    return diff;
  }

  /**
   * The diff of an existing resource as events show it; by default {@link #readable(List)}. A step
   * overrides it to withhold values that are not runwire's to show.
   */
  protected List<FieldDiff> readable(R actual, List<FieldDiff> diff) {
    return readable(diff);
  }

  public final Observation<R> observe(StepContext ctx) {
    S want = desired(ctx);
    Optional<R> found = read(ctx);
    if (found.isEmpty()) {
      return Observation.absent(readable(FieldDiffs.between(null, want)));
    }
    R resource = found.get();
    List<FieldDiff> diff = FieldDiffs.between(actual(resource), want);
    if (!markFields().isEmpty() && !owned(resource, ctx)) {
      List<FieldDiff> marks = FieldDiffs.touching(diff, markFields());
      diff = diff.stream().filter(d -> !marks.contains(d)).toList();
    }
    return new Observation<>(
        resource, progress(resource), readable(resource, diff), detail(resource));
  }

  @Override
  public final StepOutcome execute(StepContext ctx) {
    return switch (ctx.mode()) {
      case APPLY -> apply(ctx);
      case PLAN -> plan(ctx);
      case DRIFT_CHECK -> driftCheck(ctx);
      case DESTROY -> destroy(ctx);
    };
  }

  private StepOutcome apply(StepContext ctx) {
    Observation<R> seen = settle(observe(ctx), ctx);
    List<FieldDiff> changes = seen.diff();
    Action action = Action.NONE;
    if (!seen.exists()) {
      if (!(this instanceof Creator<?>)) {
        throw missing(ctx);
      }
      boolean ours = create(ctx);
      createdByThisRun = ours;
      action = Action.CREATE;
      // Usually up to date now; not when another execution created it differently.
      seen = ours ? settledExisting(ctx, "created") : createdByAnother(ctx);
    }
    List<FieldDiff> refused = notOwned(seen, ctx);
    if (!refused.isEmpty()) {
      throw notOwnedFailure(refused);
    }
    if (!seen.diff().isEmpty()) {
      StepFailure refusal = refusesUpdate(seen.resource(), seen.diff());
      if (refusal != null) {
        throw refusal;
      }
      List<FieldDiff> blocking = needsReplacement(seen.diff());
      if (!blocking.isEmpty()) {
        throw needsReplacementFailure(blocking);
      }
      if (action == Action.NONE) {
        changes = seen.diff();
        action = Action.UPDATE;
      }
      updater().update(seen.resource(), desired(ctx), seen.diff(), ctx);
      seen = settledExisting(ctx, "updated");
      if (!seen.diff().isEmpty() && seen.progress() != Progress.FAILED) {
        throw new StepFailure(
            Reasons.CANNOT_UPDATE,
            resource() + " still differs after the update: " + FieldDiffs.names(seen.diff()));
      }
    }
    if (seen.progress() == Progress.FAILED) {
      throw new StepFailure(Reasons.NOT_READY, resource() + " is not healthy: " + seen.detail());
    }
    String message =
        switch (action) {
          case CREATE -> "created";
          case UPDATE -> "updated";
          default -> "up to date";
        };
    return new StepOutcome.Succeeded(action, changes, provide(seen.resource(), ctx), message);
  }

  /**
   * Apply never replaces a resource: the request contract allows {@code allowDataLoss} only with
   * destroy, so a change that cannot happen in place is reported with what to do instead.
   */
  private StepFailure needsReplacementFailure(List<FieldDiff> blocking) {
    return new StepFailure(
        Reasons.NEEDS_REPLACEMENT,
        FieldDiffs.names(blocking)
            + " of "
            + resource()
            + " cannot change in place and runwire does not replace resources in apply. Keep the"
            + " current value, or remove the resource first (mode destroy removes it; the Redis"
            + " instance only with allowDataLoss: true) and apply again.");
  }

  private StepOutcome plan(StepContext ctx) {
    Observation<R> seen = observe(ctx);
    if (!seen.exists()) {
      if (!(this instanceof Creator<?>)) {
        throw missing(ctx);
      }
      return new StepOutcome.Succeeded(Action.CREATE, seen.diff(), Map.of(), "would create");
    }
    Map<String, String> outputs = provide(seen.resource(), ctx);
    if (seen.diff().isEmpty()) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), outputs, "up to date");
    }
    List<FieldDiff> refused = notOwned(seen, ctx);
    StepFailure refusal = refusesUpdate(seen.resource(), seen.diff());
    List<FieldDiff> blocking = needsReplacement(seen.diff());
    String message =
        !refused.isEmpty()
            ? "apply would stop: " + notOwnedFailure(refused).getMessage()
            : refusal != null
                ? "apply would stop: " + refusal.reason() + ": " + refusal.getMessage()
                : blocking.isEmpty()
                    ? "would update"
                    : "apply would stop: " + needsReplacementFailure(blocking).getMessage();
    return new StepOutcome.Succeeded(Action.UPDATE, seen.diff(), outputs, message);
  }

  private StepOutcome driftCheck(StepContext ctx) {
    Observation<R> seen = observe(ctx);
    if (!seen.exists()) {
      return new StepOutcome.Drifted(
          List.of(new FieldDiff("exists", "false", "true")), Map.of(), resource() + " is missing");
    }
    Map<String, String> outputs = provide(seen.resource(), ctx);
    if (seen.diff().isEmpty()) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), outputs, "no drift");
    }
    return new StepOutcome.Drifted(
        seen.diff(), outputs, "drifted: " + FieldDiffs.names(seen.diff()));
  }

  private StepOutcome destroy(StepContext ctx) {
    Observation<R> seen = settle(observe(ctx), ctx);
    if (!seen.exists()) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "already absent");
    }
    String keep = keepReason(seen.resource(), ctx);
    if (keep != null) {
      return new StepOutcome.Kept(resource(), keep);
    }
    if (this instanceof Restorer<?>) {
      @SuppressWarnings("unchecked")
      Restorer<R> restorer = (Restorer<R>) this;
      List<FieldDiff> diff = restorer.restoreDiff(seen.resource());
      if (diff.isEmpty()) {
        return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "nothing to restore");
      }
      restorer.restore(seen.resource(), ctx);
      settledExisting(ctx, "restored");
      return new StepOutcome.Succeeded(Action.UPDATE, diff, Map.of(), "restored");
    }
    if (!(this instanceof Deleter<?>)) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "not runwire's to delete");
    }
    try {
      delete(seen.resource(), ctx);
    } catch (KeptOnDestroy held) {
      return new StepOutcome.Kept(resource(), held.getMessage());
    }
    return new StepOutcome.Succeeded(
        Action.DELETE, List.of(new FieldDiff("exists", "true", "false")), Map.of(), "deleted");
  }

  /**
   * Deletes the resource an earlier request needed and this one no longer does (apply, destroy), or
   * says that it would (plan, drift-check): the same rules as destroy, so a resource runwire does
   * not own is kept, and so is anything {@link #keepOnDestroy} keeps (both end {@code succeeded}
   * with the reason: nothing to do again). Only a delete the cloud refuses for a while (a subnet
   * Cloud Run still holds) ends {@link StepOutcome.Kept}: it is to be tried again later.
   */
  public final StepOutcome prune(StepContext ctx) {
    boolean deletes = ctx.mode() == Mode.APPLY || ctx.mode() == Mode.DESTROY;
    Observation<R> seen = deletes ? settle(observe(ctx), ctx) : observe(ctx);
    if (!seen.exists()) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "already absent");
    }
    String keep = keepReason(seen.resource(), ctx);
    if (keep != null) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), keep);
    }
    if (!(this instanceof Deleter<?>)) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "not runwire's to delete");
    }
    List<FieldDiff> gone = List.of(new FieldDiff("exists", "true", "false"));
    if (!deletes) {
      return new StepOutcome.Succeeded(Action.DELETE, gone, Map.of(), "would delete");
    }
    try {
      delete(seen.resource(), ctx);
    } catch (KeptOnDestroy held) {
      return new StepOutcome.Kept(resource(), held.getMessage());
    }
    return new StepOutcome.Succeeded(Action.DELETE, gone, Map.of(), "deleted");
  }

  /** Why destroy keeps the resource: not runwire's, or the step's own reason; null to go on. */
  private String keepReason(R resource, StepContext ctx) {
    if (!(this instanceof Restorer<?>) && !owned(resource, ctx)) {
      return "kept: not created by runwire (" + notOwnedHint() + ")";
    }
    return keepOnDestroy(resource, ctx);
  }

  /** What says a resource is runwire's, for the "kept" message. */
  protected String notOwnedHint() {
    return "it carries no runwire mark";
  }

  /**
   * Creates the resource; false when it already exists. "Already exists" (another execution, or an
   * earlier one that was cut off) is not an error: the loop reads the resource again and waits.
   */
  private boolean create(StepContext ctx) {
    @SuppressWarnings("unchecked")
    Creator<S> creator = (Creator<S>) this;
    try {
      creator.create(desired(ctx), ctx);
      return true;
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
      return false;
    }
  }

  /**
   * The resource another execution is creating: its name is taken before a GET can see it (a
   * pending Compute insert, for one), so wait until it shows up and settles.
   */
  private Observation<R> createdByAnother(StepContext ctx) {
    return ctx.waits()
        .until(
            () -> observe(ctx),
            o -> o.exists() && o.settled(),
            ctx.deadline(),
            resource() + ", being created by another execution,");
  }

  /** Deletes and waits until it is gone; "not found" means another execution got there first. */
  private void delete(R resource, StepContext ctx) {
    try {
      deleter().delete(resource, ctx);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
    ctx.waits().until(() -> observe(ctx), o -> !o.exists(), ctx.deadline(), resource() + " gone");
  }

  /** Waits while the resource is being created or changed (by us or by an earlier execution). */
  private Observation<R> settle(Observation<R> seen, StepContext ctx) {
    if (seen.settled()) {
      return seen;
    }
    return ctx.waits()
        .until(() -> observe(ctx), Observation::settled, ctx.deadline(), resource() + " settled");
  }

  private Observation<R> settledExisting(StepContext ctx, String what) {
    Observation<R> seen = settle(observe(ctx), ctx);
    if (!seen.exists()) {
      throw new StepFailure(Reasons.NOT_READY, resource() + " was " + what + " but is not found");
    }
    return seen;
  }

  private List<FieldDiff> needsReplacement(List<FieldDiff> diff) {
    if (!(this instanceof Updater<?, ?>)) {
      return diff;
    }
    return updater().needsReplacement(diff);
  }

  @SuppressWarnings("unchecked")
  private Updater<R, S> updater() {
    return (Updater<R, S>) this;
  }

  @SuppressWarnings("unchecked")
  private Deleter<R> deleter() {
    return (Deleter<R>) this;
  }
}
