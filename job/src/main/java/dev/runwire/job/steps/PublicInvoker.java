package dev.runwire.job.steps;

import com.google.iam.v1.Binding;
import com.google.iam.v1.Policy;

/**
 * Whether anyone may invoke a Cloud Run service ({@code allUsers} as {@code roles/run.invoker},
 * what {@code --allow-unauthenticated} sets), read from and written into its IAM policy with every
 * other binding and member kept.
 */
final class PublicInvoker {

  static final String INVOKER = "roles/run.invoker";
  static final String ALL_USERS = "allUsers";

  private PublicInvoker() {}

  /** {@code null} for no policy (the request does not manage it). */
  static Boolean isPublic(Policy policy) {
    if (policy == null) {
      return null;
    }
    return policy.getBindingsList().stream().anyMatch(PublicInvoker::grantsAllUsers);
  }

  /** {@code policy} with allUsers added to or removed from the unconditional invoker binding. */
  static Policy withPublic(Policy policy, boolean allowUnauthenticated) {
    Policy.Builder changed = policy.toBuilder().clearBindings();
    boolean added = false;
    for (Binding binding : policy.getBindingsList()) {
      if (!binding.getRole().equals(INVOKER) || binding.hasCondition()) {
        changed.addBindings(binding);
        continue;
      }
      Binding.Builder invokers = binding.toBuilder().clearMembers();
      binding.getMembersList().stream()
          .filter(m -> !m.equals(ALL_USERS))
          .forEach(invokers::addMembers);
      if (allowUnauthenticated && !added) {
        invokers.addMembers(ALL_USERS);
        added = true;
      }
      if (invokers.getMembersCount() > 0) {
        changed.addBindings(invokers);
      }
    }
    if (allowUnauthenticated && !added) {
      changed.addBindings(Binding.newBuilder().setRole(INVOKER).addMembers(ALL_USERS));
    }
    return changed.build();
  }

  private static boolean grantsAllUsers(Binding binding) {
    return binding.getRole().equals(INVOKER)
        && !binding.hasCondition()
        && binding.getMembersList().contains(ALL_USERS);
  }
}
