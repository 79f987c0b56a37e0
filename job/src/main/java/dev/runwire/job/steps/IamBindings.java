package dev.runwire.job.steps;

import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
import com.google.iam.v1.GetPolicyOptions;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.StepContext;

/**
 * One member of one role on one resource's IAM policy, granted or revoked by read-change-write:
 * read at policy version 3 (so conditional bindings come back whole, not as {@code _withcond_}
 * stand-ins), change only the unconditional binding of that role, write back with the etag read.
 * Every other binding, member and condition is written back exactly as read. A stale etag (someone
 * else wrote the policy in between: ABORTED, HTTP 409) repeats read, change and write as one
 * retried call, the way IAM asks ("retry the whole read-modify-write").
 */
final class IamBindings {

  /** The policy version that keeps conditional role bindings (google/iam/v1 GetPolicyOptions). */
  static final int POLICY_VERSION = 3;

  /** The resource's getIamPolicy / setIamPolicy, e.g. a Secret Manager or Cloud Run client's. */
  interface PolicyStore {
    Policy get(GetIamPolicyRequest request);

    Policy set(SetIamPolicyRequest request);
  }

  private final String resource;
  private final PolicyStore store;

  IamBindings(String resource, PolicyStore store) {
    this.resource = resource;
    this.store = store;
  }

  /** The IAM policy of a Secret Manager secret ({@code projects/P/secrets/S}). */
  static IamBindings onSecret(CloudClients clients, String secret) {
    return new IamBindings(
        secret,
        new PolicyStore() {
          @Override
          public Policy get(GetIamPolicyRequest request) {
            return clients.secrets().getIamPolicy(request);
          }

          @Override
          public Policy set(SetIamPolicyRequest request) {
            return clients.secrets().setIamPolicy(request);
          }
        });
  }

  /** A getIamPolicy request at version 3; every IAM read of runwire goes through this. */
  static GetIamPolicyRequest readRequest(String resource) {
    return GetIamPolicyRequest.newBuilder()
        .setResource(resource)
        .setOptions(GetPolicyOptions.newBuilder().setRequestedPolicyVersion(POLICY_VERSION))
        .build();
  }

  /** The policy as it is now (one retried call). */
  Policy read(StepContext ctx) {
    return ctx.call(() -> store.get(readRequest(resource)));
  }

  /** Whether {@code member} holds {@code role} without a condition. */
  static boolean grants(Policy policy, String role, String member) {
    return policy.getBindingsList().stream()
        .anyMatch(
            b ->
                b.getRole().equals(role)
                    && !b.hasCondition()
                    && b.getMembersList().contains(member));
  }

  /** Grants {@code role} to {@code member}; false when it already held it (nothing written). */
  boolean grant(String role, String member, StepContext ctx) {
    return change(role, member, true, ctx);
  }

  /** Revokes the unconditional {@code role} of {@code member}; false when it did not hold it. */
  boolean revoke(String role, String member, StepContext ctx) {
    return change(role, member, false, ctx);
  }

  private boolean change(String role, String member, boolean granted, StepContext ctx) {
    return ctx.call(
        () -> {
          Policy current = store.get(readRequest(resource));
          if (grants(current, role, member) == granted) {
            return false;
          }
          store.set(
              SetIamPolicyRequest.newBuilder()
                  .setResource(resource)
                  .setPolicy(with(current, role, member, granted))
                  .build());
          return true;
        });
  }

  /**
   * {@code policy} with {@code member} added to or removed from the unconditional binding of {@code
   * role}; the etag as read, version 3, every other binding as it was.
   */
  static Policy with(Policy policy, String role, String member, boolean granted) {
    Policy.Builder changed = policy.toBuilder().clearBindings().setVersion(POLICY_VERSION);
    boolean done = false;
    for (Binding binding : policy.getBindingsList()) {
      if (!binding.getRole().equals(role) || binding.hasCondition() || done) {
        changed.addBindings(binding);
        continue;
      }
      Binding.Builder members = binding.toBuilder().clearMembers();
      binding.getMembersList().stream().filter(m -> !m.equals(member)).forEach(members::addMembers);
      if (granted) {
        members.addMembers(member);
      }
      done = true;
      if (members.getMembersCount() > 0) {
        changed.addBindings(members);
      }
    }
    if (granted && !done) {
      changed.addBindings(Binding.newBuilder().setRole(role).addMembers(member));
    }
    return changed.build();
  }
}
