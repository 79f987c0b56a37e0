package dev.runwire.job.steps;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.Restorer;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Wires the Cloud Run service (see {@link ServiceWiring} for what is managed) and waits until the
 * new revision serves: {@code observedGeneration == generation} and the terminal condition
 * succeeded. The service is created only when the request names an image; destroy hands it back
 * unwired instead of deleting it.
 *
 * <p>A service runwire did not create (or adopt) is only wired: VPC access, egress, its Redis env
 * vars, its label and annotations. Its image, ingress and invokers stay as they are (a difference
 * there fails with {@code NotOwned}), and an env var runwire did not set is never overwritten
 * ({@code EnvConflict}).
 */
final class CloudRunServiceStep extends ResourceStep<CloudRunServiceStep.Found, ServiceWiring.Spec>
    implements Creator<ServiceWiring.Spec>,
        Updater<CloudRunServiceStep.Found, ServiceWiring.Spec>,
        Restorer<CloudRunServiceStep.Found> {

  /** The service, and its IAM policy when the request manages who may invoke it. */
  record Found(Service service, Policy policy) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ServiceWiring wiring;
  private final ApiLocation at;
  private final String name;
  private final Boolean allowUnauthenticated;
  private final ServiceMarks marks;
  private final String authSecret;

  CloudRunServiceStep(
      ProvisioningRequest request,
      ApiLocation at,
      CloudClients clients,
      Inventory inventory,
      ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.wiring = new ServiceWiring(request);
    this.at = at;
    this.name = request.service().name();
    this.authSecret = at.secret(request.names().authSecret());
    this.allowUnauthenticated = request.service().allowUnauthenticated();
  }

  @Override
  public StepKind kind() {
    return StepKind.CLOUD_RUN_SERVICE;
  }

  @Override
  public String resource() {
    return Names.full("run", at.service(name));
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    Optional<Service> service = inventory.service(at, name);
    service.ifPresent(marks::found);
    return service.map(s -> new Found(s, allowUnauthenticated == null ? null : policy(ctx)));
  }

  private Policy policy(StepContext ctx) {
    String resource = at.service(name);
    return ctx.call(() -> clients.services().getIamPolicy(IamBindings.readRequest(resource)));
  }

  @Override
  protected Progress progress(Found found) {
    Service s = found.service();
    if (s.getReconciling()) {
      return Progress.IN_PROGRESS;
    }
    // A failed reconciliation does not catch up: observedGeneration stays at the last serving
    // revision's (service.proto, "reconciling"), so read the failure before comparing generations.
    if (s.getTerminalCondition().getState() == Condition.State.CONDITION_FAILED) {
      return Progress.FAILED;
    }
    if (s.getObservedGeneration() != s.getGeneration()) {
      return Progress.IN_PROGRESS;
    }
    return s.getTerminalCondition().getState() == Condition.State.CONDITION_SUCCEEDED
        ? Progress.READY
        : Progress.IN_PROGRESS;
  }

  @Override
  protected String detail(Found found) {
    Condition c = found.service().getTerminalCondition();
    String reason =
        switch (c.getReasonsCase()) {
          case REASON -> " (" + c.getReason().name() + ")";
          case REVISION_REASON -> " (" + c.getRevisionReason().name() + ")";
          default -> "";
        };
    return c.getState().name() + reason + (c.getMessage().isEmpty() ? "" : ": " + c.getMessage());
  }

  @Override
  protected ServiceWiring.Spec actual(Found found) {
    return ServiceWiring.actual(found.service(), PublicInvoker.isPublic(found.policy()));
  }

  @Override
  protected ServiceWiring.Spec desired(StepContext ctx) {
    return wiring.desired(ctx, allowUnauthenticated, adopting(ctx));
  }

  @Override
  protected Ownership ownership(Found found, StepContext ctx) {
    return ManagedMarks.ownsService(found.service().getAnnotationsMap())
        ? Ownership.MARKED
        : Ownership.NONE;
  }

  @Override
  protected Set<String> wiringFields() {
    return ServiceWiring.WIRING_FIELDS;
  }

  @Override
  protected String notOwnedHint() {
    return "no annotation " + ManagedMarks.OWNED + ": \"true\"";
  }

  @Override
  protected List<FieldDiff> readable(List<FieldDiff> diff) {
    return ServiceWiring.readable(diff);
  }

  @Override
  protected List<FieldDiff> readable(Found found, List<FieldDiff> diff) {
    return wiring.withholdConflicts(found.service(), ServiceWiring.readable(diff));
  }

  @Override
  protected StepOutput output(Found found, StepContext ctx) {
    return new StepOutputs.ServiceUrl(found.service().getUri());
  }

  @Override
  protected StepFailure missing(StepContext ctx) {
    return new StepFailure(
        Reasons.SERVICE_NOT_FOUND,
        "Cloud Run service '"
            + name
            + "' not found in "
            + at.project()
            + "/"
            + at.region()
            + ": deploy it first, or set service.image so runwire creates it.");
  }

  @Override
  public void create(ServiceWiring.Spec desired, StepContext ctx) {
    if (desired.image() == null) {
      throw missing(ctx);
    }
    Service service =
        wiring
            .apply(Service.getDefaultInstance(), desired)
            .putAnnotations(ManagedMarks.OWNED, "true")
            .build();
    grantSecrets(null, desired, ctx);
    ctx.startAndAwait(
        () -> clients.services().createServiceAsync(at.parent(), service, name),
        "service " + name + " created");
    setInvokers(ctx);
  }

  /** An env var the service has and runwire did not set is never overwritten. */
  @Override
  protected StepFailure refusesUpdate(Found actual, List<FieldDiff> diff) {
    return wiring.envConflict(actual.service(), diff);
  }

  @Override
  public void update(
      Found actual, ServiceWiring.Spec desired, List<FieldDiff> diff, StepContext ctx) {
    boolean serviceChanged = diff.stream().anyMatch(d -> !d.field().equals("allowUnauthenticated"));
    boolean redeploy = diff.stream().anyMatch(d -> d.field().equals("latestRevision"));
    if (serviceChanged) {
      grantSecrets(actual.service(), desired, ctx);
      readModifyWrite(
          actual.service(),
          s -> {
            Service.Builder wired = wiring.apply(s, desired);
            if (redeploy) {
              // An unchanged template makes no new revision: mark this deployment so it does.
              wired
                  .getTemplateBuilder()
                  .putAnnotations(
                      ServiceWiring.REDEPLOYED, ctx.executionId() + "@" + java.time.Instant.now());
            }
            return wired.build();
          },
          "updated",
          ctx);
    }
    setInvokers(ctx);
  }

  /**
   * The runtime account may read the secrets the wiring references before the new revision needs
   * them (Cloud Run fails a revision whose account cannot). The account is the service's, or for a
   * new service the project's default compute account, as Cloud Run picks it. The AUTH secret is
   * the redis-auth-access step's (it records and on destroy revokes its grant); this covers the
   * others (the TLS CA secret).
   */
  private void grantSecrets(Service existing, ServiceWiring.Spec desired, StepContext ctx) {
    List<String> secrets =
        desired.env().values().stream()
            .filter(v -> v != null && v.startsWith("secret:"))
            .map(v -> SecretAccess.secretOf(at, v))
            .filter(secret -> !secret.equals(authSecret))
            .toList();
    if (secrets.isEmpty()) {
      return;
    }
    String account = existing == null ? "" : existing.getTemplate().getServiceAccount();
    if (account.isEmpty()) {
      account =
          inventory
              .computeProject(at.project())
              .map(com.google.cloud.compute.v1.Project::getDefaultServiceAccount)
              .orElse("");
    }
    SecretAccess.grant(clients, ctx, secrets, "serviceAccount:" + account);
  }

  @Override
  public List<FieldDiff> restoreDiff(Found found) {
    return wiring.wiredFields(found.service()).stream()
        .map(field -> new FieldDiff(field, "set by runwire", null))
        .toList();
  }

  @Override
  public void restore(Found found, StepContext ctx) {
    readModifyWrite(found.service(), s -> wiring.restore(s).build(), "restored", ctx);
  }

  /**
   * Writes {@code change} of the service with its etag, so a concurrent edit is never overwritten
   * blindly: when the service changed meanwhile (ABORTED), the retry reads it again and re-applies
   * the change to what is there now.
   */
  private void readModifyWrite(
      Service read, UnaryOperator<Service> change, String what, StepContext ctx) {
    AtomicReference<Service> base = new AtomicReference<>(read);
    // Read (again, after a conflict), change and start the update: one retried call.
    ctx.startAndAwait(
        () -> {
          Service current = base.getAndSet(null);
          if (current == null) {
            current = clients.services().getService(at.service(name));
          }
          Service changed = change.apply(current);
          return clients
              .services()
              .updateServiceAsync(UpdateServiceRequest.newBuilder().setService(changed).build());
        },
        "service " + name + " " + what);
  }

  /**
   * Adds or removes allUsers as invoker when the request says which it wants. Read, change and
   * write happen in one retried call: a policy changed meanwhile (stale etag) is read again.
   */
  private void setInvokers(StepContext ctx) {
    if (allowUnauthenticated == null) {
      return;
    }
    String resource = at.service(name);
    ctx.call(
        () -> {
          Policy current = clients.services().getIamPolicy(IamBindings.readRequest(resource));
          if (Objects.equals(PublicInvoker.isPublic(current), allowUnauthenticated)) {
            return current;
          }
          return clients
              .services()
              .setIamPolicy(
                  SetIamPolicyRequest.newBuilder()
                      .setResource(resource)
                      .setPolicy(PublicInvoker.withPublic(current, allowUnauthenticated))
                      .build());
        });
  }
}
