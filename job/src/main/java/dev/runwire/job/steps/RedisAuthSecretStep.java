package dev.runwire.job.steps;

import com.google.cloud.secretmanager.v1.Secret;
import com.google.protobuf.FieldMask;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.AdoptKind;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the Redis AUTH string in Secret Manager (the service reads it as a secret reference, never
 * as a plain value). The latest version is compared with the instance's AUTH string; a new version
 * is added only when they differ. The value itself never leaves this class: diffs say "current" or
 * "stale".
 */
final class RedisAuthSecretStep
    extends ResourceStep<RedisAuthSecretStep.Found, RedisAuthSecretStep.Spec>
    implements Creator<RedisAuthSecretStep.Spec>,
        Updater<RedisAuthSecretStep.Found, RedisAuthSecretStep.Spec>,
        Deleter<RedisAuthSecretStep.Found> {

  /** The secret and how its latest version compares with the instance's AUTH string. */
  record Found(Secret secret, String latestVersion) {}

  /**
   * @param mark the {@code managed-by} label: added when the secret is adopted with its instance
   */
  record Spec(String latestVersion, String mark) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ApiLocation at;
  private final String secretId;
  private final InstanceSecret secret;
  private final String instanceName;

  RedisAuthSecretStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.at = at;
    this.secretId = request.names().authSecret();
    this.secret = new InstanceSecret(clients, at, secretId);
    this.instanceName = at.redisInstance(request.redis().name());
  }

  @Override
  public StepKind kind() {
    return StepKind.REDIS_AUTH_SECRET;
  }

  @Override
  public String resource() {
    return Names.full("secretmanager", secret.name());
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    return inventory
        .secret(at, secretId)
        .map(s -> new Found(s, secret.compareLatest(authString(ctx), ctx)));
  }

  private Optional<byte[]> authString(StepContext ctx) {
    try {
      String auth =
          ctx.call(() -> clients.redis().getInstanceAuthString(instanceName).getAuthString());
      return auth.isEmpty() ? Optional.empty() : Optional.of(auth.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  protected Spec actual(Found found) {
    return new Spec(
        found.latestVersion(), found.secret().getLabelsMap().get(ManagedMarks.MANAGED_BY));
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(InstanceSecret.CURRENT, ManagedMarks.RUNWIRE);
  }

  @Override
  protected Ownership ownership(Found found, StepContext ctx) {
    if (ManagedMarks.isManaged(found.secret().getLabelsMap())) {
      return Ownership.MARKED;
    }
    return adoptedWithInstance(found, ctx) ? Ownership.ADOPTED : Ownership.NONE;
  }

  /**
   * The AUTH secret is taken over with the Redis instance it belongs to ({@code adopt:
   * ["redis-instance"]}), and only when its latest version already is that instance's AUTH string:
   * the name alone ({@code <instance>-auth}) proves nothing, and adoption must never let a request
   * overwrite a secret that is not this instance's. Not a kind of its own: after adopting an
   * instance its AUTH is runwire's to rotate, so a secret runwire may not update would stop every
   * later apply.
   */
  private boolean adoptedWithInstance(Found found, StepContext ctx) {
    return ctx.kind() == kind()
        && ctx.request().adoptedKinds().contains(AdoptKind.REDIS_INSTANCE)
        && InstanceSecret.CURRENT.equals(found.latestVersion());
  }

  @Override
  protected Set<String> markFields() {
    return Set.of("mark");
  }

  @Override
  protected StepOutput output(Found found, StepContext ctx) {
    return new StepOutputs.AuthSecret(secret.name());
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    secret.create(ctx);
    secret.addVersion(requireAuthString(ctx), ctx);
  }

  @Override
  public void update(Found actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    if (diff.stream().anyMatch(d -> d.field().equals("mark"))) {
      Secret marked = actual.secret().toBuilder().putAllLabels(ManagedMarks.label()).build();
      ctx.call(
          () ->
              clients
                  .secrets()
                  .updateSecret(marked, FieldMask.newBuilder().addPaths("labels").build()));
    }
    if (diff.stream().anyMatch(d -> d.field().equals("latestVersion"))) {
      secret.addVersion(requireAuthString(ctx), ctx);
    }
  }

  private byte[] requireAuthString(StepContext ctx) {
    return authString(ctx)
        .orElseThrow(
            () ->
                new StepFailure(
                    Reasons.NOT_READY,
                    "the Redis instance has no AUTH string yet; is authEnabled on?"));
  }

  @Override
  public void delete(Found actual, StepContext ctx) {
    secret.delete(ctx);
  }

  @Override
  protected String keepOnDestroy(Found actual, StepContext ctx) {
    return ctx.request().allowDataLoss()
        ? null
        : "kept with the Redis instance; set allowDataLoss: true to delete both";
  }
}
