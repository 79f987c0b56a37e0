package dev.runwire.job.steps;

import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.StepContext;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A Secret Manager secret whose latest version holds a value read from the Redis instance (its AUTH
 * string, its server CA): compared, created with runwire's label, given a new version, deleted. The
 * value never leaves it: a comparison says {@value #CURRENT} or "stale".
 */
final class InstanceSecret {

  static final String CURRENT = "current";

  private final CloudClients clients;
  private final ApiLocation at;
  private final String id;

  InstanceSecret(CloudClients clients, ApiLocation at, String id) {
    this.clients = clients;
    this.at = at;
    this.id = id;
  }

  /** {@code projects/p/secrets/id}. */
  String name() {
    return at.secret(id);
  }

  /**
   * How the latest version compares with {@code value}: {@value #CURRENT}, "stale", "(none)" (no
   * version yet) or "(unknown)" (no value to compare with, e.g. no instance yet).
   */
  String compareLatest(Optional<byte[]> value, StepContext ctx) {
    if (value.isEmpty()) {
      return "(unknown)";
    }
    try {
      ByteString latest =
          ctx.call(
              () ->
                  clients
                      .secrets()
                      .accessSecretVersion(name() + "/versions/latest")
                      .getPayload()
                      .getData());
      return MessageDigest.isEqual(latest.toByteArray(), value.get()) ? CURRENT : "stale";
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e) || ApiErrors.isFailedPrecondition(e)) {
        return "(none)";
      }
      throw e;
    }
  }

  /** Creates the secret (automatic replication, runwire's label), still without a version. */
  void create(StepContext ctx) {
    Secret secret =
        Secret.newBuilder()
            .setReplication(
                Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()))
            .putAllLabels(ManagedMarks.label())
            .build();
    ctx.call(() -> clients.secrets().createSecret(at.projectName(), id, secret));
  }

  void addVersion(byte[] value, StepContext ctx) {
    SecretPayload payload = SecretPayload.newBuilder().setData(ByteString.copyFrom(value)).build();
    ctx.call(() -> clients.secrets().addSecretVersion(name(), payload));
  }

  void delete(StepContext ctx) {
    ctx.call(
        () -> {
          clients.secrets().deleteSecret(name());
          return null;
        });
  }
}
