package dev.runwire.job.steps;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.StepContext;
import java.util.Collection;

/**
 * Lets a service's runtime account read the secrets its env references (Cloud Run checks this at
 * deploy: "The service account used must be granted the 'Secret Manager Secret Accessor' role").
 * Each grant is the one IAM read-change-write of {@link IamBindings} (policy version 3, etag, other
 * bindings and conditions kept).
 */
final class SecretAccess {

  static final String ACCESSOR = "roles/secretmanager.secretAccessor";

  private SecretAccess() {}

  /** Grants {@code member} (e.g. {@code serviceAccount:sa@p.iam.gserviceaccount.com}) on each. */
  static void grant(
      CloudClients clients, StepContext ctx, Collection<String> secrets, String member) {
    for (String secret : secrets) {
      IamBindings.onSecret(clients, secret).grant(ACCESSOR, member, ctx);
    }
  }

  /**
   * The full secret name for a {@code secret:<id>:<version>} env spec of a service at {@code at}.
   */
  static String secretOf(ApiLocation at, String envSpec) {
    String id = envSpec.substring("secret:".length()).split(":", 2)[0];
    return id.startsWith("projects/") ? id : at.secret(id);
  }
}
