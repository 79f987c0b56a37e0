package dev.runwire.job.steps;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.TlsCertificate;
import com.google.cloud.secretmanager.v1.Secret;
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

  record Found(Secret secret, String latestVersion) {}

  record Spec(String latestVersion) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ApiLocation at;
  private final String secretId;
  private final InstanceSecret secret;
  private final String instanceName;

  RedisCaSecretStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.at = at;
    this.secretId = secretId(request);
    this.secret = new InstanceSecret(clients, at, secretId);
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
    return Names.full("secretmanager", secret.name());
  }

  @Override
  protected Optional<Found> read(StepContext ctx) {
    return inventory
        .secret(at, secretId)
        .map(s -> new Found(s, secret.compareLatest(serverCa(ctx), ctx)));
  }

  /**
   * Every server CA of the instance, PEM, one after the other (a client trusts them all), as UTF-8.
   */
  private Optional<byte[]> serverCa(StepContext ctx) {
    try {
      Instance instance = ctx.call(() -> clients.redis().getInstance(instanceName));
      if (instance.getServerCaCertsCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(
          instance.getServerCaCertsList().stream()
              .map(TlsCertificate::getCert)
              .map(String::strip)
              .collect(Collectors.joining("\n", "", "\n"))
              .getBytes(StandardCharsets.UTF_8));
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
    return new Spec(InstanceSecret.CURRENT);
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    secret.create(ctx);
    secret.addVersion(requireServerCa(ctx), ctx);
  }

  @Override
  public void update(Found actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    secret.addVersion(requireServerCa(ctx), ctx);
  }

  private byte[] requireServerCa(StepContext ctx) {
    return serverCa(ctx)
        .orElseThrow(
            () ->
                new StepFailure(
                    Reasons.NOT_READY,
                    "the Redis instance shows no serverCaCerts yet; is transit encryption on?"));
  }

  @Override
  public void delete(Found actual, StepContext ctx) {
    secret.delete(ctx);
  }
}
