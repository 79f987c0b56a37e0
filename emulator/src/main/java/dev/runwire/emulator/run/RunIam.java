package dev.runwire.emulator.run;

import com.google.iam.v1.SetIamPolicyRequest;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.IamPolicies;
import dev.runwire.emulator.core.Reply;

/** IAM on services and jobs: allUsers with roles/run.invoker makes a service public. */
final class RunIam {

  static final String INVOKER = "roles/run.invoker";

  private final IamPolicies policies = new IamPolicies();

  Reply get(String resource) {
    return Reply.of(policies.get(resource));
  }

  Reply set(String resource, ApiRequest request) {
    SetIamPolicyRequest in = request.body(SetIamPolicyRequest.newBuilder(), "request").build();
    return Reply.of(
        policies.set(resource, in.getPolicy(), in.hasUpdateMask() ? in.getUpdateMask() : null));
  }

  boolean isPublic(String service) {
    return policies.grants(service, INVOKER, "allUsers");
  }

  void remove(String resource) {
    policies.remove(resource);
  }

  void reset() {
    policies.reset();
  }
}
