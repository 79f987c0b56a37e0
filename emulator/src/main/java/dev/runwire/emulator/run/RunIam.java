package dev.runwire.emulator.run;

import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.IamPolicies;
import dev.runwire.emulator.core.ProtoJson;
import dev.runwire.emulator.core.Reply;

/** IAM on services and jobs: allUsers with roles/run.invoker makes a service public. */
final class RunIam {

  static final String INVOKER = "roles/run.invoker";

  private final IamPolicies policies = new IamPolicies();

  Reply get(String resource, ApiRequest request) {
    return Reply.of(policies.read(resource, request));
  }

  Reply set(String resource, ApiRequest request) {
    return Reply.of(policies.set(resource, request));
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

  JsonObject save(ProtoJson json) {
    return policies.save(json);
  }

  void load(JsonObject saved, ProtoJson json) {
    policies.load(saved, json);
  }
}
