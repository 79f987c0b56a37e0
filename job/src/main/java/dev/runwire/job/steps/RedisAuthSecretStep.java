package dev.runwire.job.steps;

import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
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
import java.security.MessageDigest;
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

  static final String CURRENT = "current";

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
  private final String instanceName;

  RedisAuthSecretStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.at = at;
    this.secretId = request.names().authSecret();
    this.instanceName = at.redisInstance(request.redis().name());
  }

  @Override
  public StepKind kind() {
    return StepKind.REDIS_AUTH_SECRET;
  }

  @Override
  public String resource() {
    return Names.full("secretmanager", at.secret(secretId));
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    return inventory.secret(at, secretId).map(s -> new Found(s, compareLatest(ctx)));
  }

  /** "current", "stale", "(none)" (no version yet) or "(unknown)" (no instance to compare with). */
  private String compareLatest(StepContext ctx) {
    Optional<byte[]> auth = authString(ctx);
    if (auth.isEmpty()) {
      return "(unknown)";
    }
    try {
      ByteString latest =
          ctx.call(
              () ->
                  clients
                      .secrets()
                      .accessSecretVersion(at.secret(secretId) + "/versions/latest")
                      .getPayload()
                      .getData());
      return MessageDigest.isEqual(latest.toByteArray(), auth.get()) ? CURRENT : "stale";
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e) || ApiErrors.isFailedPrecondition(e)) {
        return "(none)";
      }
      throw e;
    }
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
    return new Spec(CURRENT, ManagedMarks.RUNWIRE);
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
        && CURRENT.equals(found.latestVersion());
  }

  @Override
  protected Set<String> markFields() {
    return Set.of("mark");
  }

  @Override
  protected StepOutput output(Found found, StepContext ctx) {
    return new StepOutputs.AuthSecret(at.secret(secretId));
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    Secret secret =
        Secret.newBuilder()
            .setReplication(
                Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()))
            .putAllLabels(ManagedMarks.label())
            .build();
    ctx.call(() -> clients.secrets().createSecret(at.projectName(), secretId, secret));
    addVersion(ctx);
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
      addVersion(ctx);
    }
  }

  private void addVersion(StepContext ctx) {
    byte[] auth =
        authString(ctx)
            .orElseThrow(
                () ->
                    new StepFailure(
                        Reasons.NOT_READY,
                        "the Redis instance has no AUTH string yet; is authEnabled on?"));
    SecretPayload payload = SecretPayload.newBuilder().setData(ByteString.copyFrom(auth)).build();
    ctx.call(() -> clients.secrets().addSecretVersion(at.secret(secretId), payload));
  }

  @Override
  public void delete(Found actual, StepContext ctx) {
    ctx.call(
        () -> {
          clients.secrets().deleteSecret(at.secret(secretId));
          return null;
        });
  }

  @Override
  protected String keepOnDestroy(Found actual, StepContext ctx) {
    return ctx.request().allowDataLoss()
        ? null
        : "kept with the Redis instance; set allowDataLoss: true to delete both";
  }
}
