package dev.runwire.job.steps;

import com.google.cloud.secretmanager.v1.SecretName;
import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
import com.google.iam.v1.GetPolicyOptions;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.StepContext;
import java.util.Collection;

/**
 * Lets a service's runtime account read the secrets its env references (Cloud Run checks this at
 * deploy: "The service account used must be granted the 'Secret Manager Secret Accessor' role").
 * IAM read-change-write at {@code requestedPolicyVersion} 3 with the policy's etag, so a concurrent
 * change or a conditional binding is never overwritten; a stale etag (ABORTED) is retried by the
 * step's retry policy with a fresh read.
 */
final class SecretAccess {

  static final String ACCESSOR = "roles/secretmanager.secretAccessor";

  private SecretAccess() {}

  /** Grants {@code member} (e.g. {@code serviceAccount:sa@p.iam.gserviceaccount.com}) on each. */
  static void grant(
      CloudClients clients, StepContext ctx, Collection<String> secrets, String member) {
    for (String secret : secrets) {
      grant(clients, ctx, secret, member);
    }
  }

  /** Grants {@code member} the accessor role on {@code secret} (a full secret name). */
  static void grant(CloudClients clients, StepContext ctx, String secret, String member) {
    ctx.call(
        () -> {
          Policy current =
              clients
                  .secrets()
                  .getIamPolicy(
                      GetIamPolicyRequest.newBuilder()
                          .setResource(secret)
                          .setOptions(GetPolicyOptions.newBuilder().setRequestedPolicyVersion(3))
                          .build());
          if (grants(current, member)) {
            return current;
          }
          Policy.Builder next = current.toBuilder().setVersion(3);
          int index = -1;
          for (int i = 0; i < next.getBindingsCount(); i++) {
            Binding b = next.getBindings(i);
            if (b.getRole().equals(ACCESSOR) && !b.hasCondition()) {
              index = i;
            }
          }
          if (index >= 0) {
            next.setBindings(index, next.getBindings(index).toBuilder().addMembers(member));
          } else {
            next.addBindings(Binding.newBuilder().setRole(ACCESSOR).addMembers(member));
          }
          return clients
              .secrets()
              .setIamPolicy(
                  SetIamPolicyRequest.newBuilder().setResource(secret).setPolicy(next).build());
        });
  }

  private static boolean grants(Policy policy, String member) {
    return policy.getBindingsList().stream()
        .anyMatch(
            b ->
                b.getRole().equals(ACCESSOR)
                    && !b.hasCondition()
                    && b.getMembersList().contains(member));
  }

  /** The full secret name for a {@code secret:<id>:<version>} env spec of {@code project}. */
  static String secretOf(String project, String envSpec) {
    String id = envSpec.substring("secret:".length()).split(":", 2)[0];
    return id.startsWith("projects/") ? id : SecretName.of(project, id).toString();
  }
}
