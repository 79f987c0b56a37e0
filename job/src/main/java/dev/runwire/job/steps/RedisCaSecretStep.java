package dev.runwire.job.steps;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.TlsCertificate;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * With transit encryption, the instance's server CA ({@code serverCaCerts}, PEM) in a Secret
 * Manager secret that the service reads as {@code REDIS_CA_CERT}: Memorystore's documented client
 * setup ("download the Certificate Authority and install it on the client"). A new version is added
 * when the instance's CAs change (rotation adds one).
 */
final class RedisCaSecretStep extends ResourceStep<RedisCaSecretStep.Found, RedisCaSecretStep.Spec>
    implements Creator<RedisCaSecretStep.Spec>,
        Updater<RedisCaSecretStep.Found, RedisCaSecretStep.Spec>,
        Deleter<RedisCaSecretStep.Found> {

  static final String CURRENT = "current";

  record Found(Secret secret, String latestVersion) {}

  record Spec(String latestVersion) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ApiLocation at;
  private final String secretId;
  private final String instanceName;

  RedisCaSecretStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.at = at;
    this.secretId = secretId(request);
    this.instanceName = at.redisInstance(request.redis().name());
  }

  /** The secret's id: the instance's name with {@code -server-ca}. */
  static String secretId(ProvisioningRequest request) {
    return request.redis().name() + "-server-ca";
  }

  @Override
  public StepKind kind() {
    return StepKind.REDIS_CA_SECRET;
  }

  @Override
  public String resource() {
    return Names.full("secretmanager", at.secret(secretId));
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    return inventory.secret(at, secretId).map(s -> new Found(s, compareLatest(ctx)));
  }

  private String compareLatest(StepContext ctx) {
    Optional<String> pem = serverCa(ctx);
    if (pem.isEmpty()) {
      return "(unknown)";
    }
    try {
      String latest =
          ctx.call(
                  () ->
                      clients
                          .secrets()
                          .accessSecretVersion(at.secret(secretId) + "/versions/latest")
                          .getPayload()
                          .getData())
              .toString(StandardCharsets.UTF_8);
      return latest.equals(pem.get()) ? CURRENT : "stale";
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e) || ApiErrors.isFailedPrecondition(e)) {
        return "(none)";
      }
      throw e;
    }
  }

  /** Every server CA of the instance, PEM, one after the other (a client trusts them all). */
  private Optional<String> serverCa(StepContext ctx) {
    try {
      Instance instance = ctx.call(() -> clients.redis().getInstance(instanceName));
      if (instance.getServerCaCertsCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(
          instance.getServerCaCertsList().stream()
              .map(TlsCertificate::getCert)
              .map(String::strip)
              .collect(Collectors.joining("\n", "", "\n")));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  protected Spec actual(Found found) {
    return new Spec(found.latestVersion());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(CURRENT);
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
    addVersion(ctx);
  }

  private void addVersion(StepContext ctx) {
    String pem =
        serverCa(ctx)
            .orElseThrow(
                () ->
                    new StepFailure(
                        Reasons.NOT_READY,
                        "the Redis instance shows no serverCaCerts yet; is transit encryption on?"));
    SecretPayload payload =
        SecretPayload.newBuilder().setData(ByteString.copyFromUtf8(pem)).build();
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
}
