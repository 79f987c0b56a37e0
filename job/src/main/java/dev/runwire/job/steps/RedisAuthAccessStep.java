package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Project;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.UpdateSecretRequest;
import com.google.iam.v1.Policy;
import com.google.protobuf.FieldMask;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lets the service's runtime account read the AUTH secret, and only that secret: Cloud Run checks
 * at deploy time that the revision's service account can access every secret it references and
 * fails the deployment otherwise (GCP-FACTS, "Every secret a revision references..."). The runtime
 * account is the service's {@code template.serviceAccount}, else the project's default compute
 * account (Compute {@code projects.get} → {@code defaultServiceAccount}). The grant is a
 * read-change-write of the secret's IAM policy ({@link IamBindings}); the member runwire added is
 * recorded in the secret's annotation {@value #GRANTED}, so destroy revokes that binding and never
 * one somebody else made.
 */
final class RedisAuthAccessStep
    extends ResourceStep<RedisAuthAccessStep.Found, RedisAuthAccessStep.Spec>
    implements Creator<RedisAuthAccessStep.Spec>,
        Updater<RedisAuthAccessStep.Found, RedisAuthAccessStep.Spec>,
        Restorer<RedisAuthAccessStep.Found> {

  static final String ACCESSOR = SecretAccess.ACCESSOR;

  /** The secret annotation naming the member runwire granted {@value #ACCESSOR}. */
  static final String GRANTED = "runwire.dev/granted-secret-accessor";

  static final String GRANTED_VALUE = "granted";

  /** The secret and its IAM policy. */
  record Found(Secret secret, Policy policy) {}

  /** Members holding the accessor role unconditionally, as {@code member -> "granted"}. */
  record Spec(Map<String, String> secretAccessor) {}

  /** The account a revision of the service runs as, handed on to later steps. */
  record RuntimeAccount(String member) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("runtimeServiceAccount", member);
    }
  }

  private final CloudClients clients;
  private final Inventory inventory;
  private final ProvisioningRequest request;
  private final ApiLocation at;
  private final String secret;
  private final IamBindings bindings;
  private RuntimeAccount runtime;

  RedisAuthAccessStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.request = request;
    this.at = at;
    this.secret = at.secret(request.names().authSecret());
    this.bindings = IamBindings.onSecret(clients, secret);
  }

  @Override
  public StepKind kind() {
    return StepKind.REDIS_AUTH_ACCESS;
  }

  @Override
  public String resource() {
    return Names.full("secretmanager", secret) + " (IAM " + ACCESSOR + ")";
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    return inventory
        .secret(at, request.names().authSecret())
        .map(s -> new Found(s, bindings.read(ctx)));
  }

  @Override
  protected Spec actual(Found found) {
    Map<String, String> members = new TreeMap<>();
    for (var b : found.policy().getBindingsList()) {
      if (b.getRole().equals(ACCESSOR) && !b.hasCondition()) {
        b.getMembersList().forEach(m -> members.put(m, GRANTED_VALUE));
      }
    }
    return new Spec(members);
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(Map.of(runtimeAccount(ctx).member(), GRANTED_VALUE));
  }

  @Override
  protected StepOutput output(Found found, StepContext ctx) {
    return runtimeAccount(ctx);
  }

  /**
   * The service's own account, else the project's default compute account; resolved once per run
   * (the step object lives for one run), so projects.get is read once.
   */
  private synchronized RuntimeAccount runtimeAccount(StepContext ctx) {
    if (runtime == null) {
      String account =
          inventory
              .service(at, request.service().name())
              .map(s -> s.getTemplate().getServiceAccount())
              .filter(a -> !a.isEmpty())
              .orElseGet(this::defaultComputeAccount);
      runtime = new RuntimeAccount("serviceAccount:" + account);
    }
    return runtime;
  }

  private String defaultComputeAccount() {
    return inventory
        .computeProject(at.project())
        .map(Project::getDefaultServiceAccount)
        .filter(a -> !a.isEmpty())
        .orElseThrow(
            () ->
                new StepFailure(
                    Reasons.NOT_READY,
                    "Compute projects.get of "
                        + at.project()
                        + " names no defaultServiceAccount (is the Compute Engine API enabled?);"
                        + " Cloud Run revisions without a service account run as it"));
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    grant(ctx);
  }

  @Override
  public void update(Found actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    grant(ctx);
  }

  /**
   * Grants the accessor role to the runtime account and records that runwire did; a member runwire
   * granted earlier that is no longer the runtime account (the service changed accounts) is
   * revoked.
   */
  private void grant(StepContext ctx) {
    String member = runtimeAccount(ctx).member();
    Secret current = ctx.call(() -> clients.secrets().getSecret(secret));
    String earlier = current.getAnnotationsMap().get(GRANTED);
    boolean added = bindings.grant(ACCESSOR, member, ctx);
    if (earlier != null && !earlier.equals(member)) {
      bindings.revoke(ACCESSOR, earlier, ctx);
      record(current, null, ctx);
    }
    if (added) {
      record(current, member, ctx);
    }
  }

  /** Writes (or with {@code null} removes) the annotation naming the member runwire granted. */
  private void record(Secret base, String member, StepContext ctx) {
    ctx.call(
        () -> {
          Secret current = clients.secrets().getSecret(base.getName());
          Secret.Builder changed = current.toBuilder();
          if (member == null) {
            changed.removeAnnotations(GRANTED);
          } else {
            changed.putAnnotations(GRANTED, member);
          }
          return clients
              .secrets()
              .updateSecret(
                  UpdateSecretRequest.newBuilder()
                      .setSecret(changed)
                      .setUpdateMask(FieldMask.newBuilder().addPaths("annotations"))
                      .build());
        });
  }

  @Override
  public List<FieldDiff> restoreDiff(Found found) {
    String member = found.secret().getAnnotationsMap().get(GRANTED);
    if (member == null || !IamBindings.grants(found.policy(), ACCESSOR, member)) {
      return List.of();
    }
    return List.of(new FieldDiff("secretAccessor." + member, GRANTED_VALUE, null));
  }

  /** Revokes only the binding runwire recorded granting; every other grant stays. */
  @Override
  public void restore(Found found, StepContext ctx) {
    String member = found.secret().getAnnotationsMap().get(GRANTED);
    bindings.revoke(ACCESSOR, member, ctx);
    record(found.secret(), null, ctx);
  }
}
