package dev.runwire.emulator.core;

import com.google.gson.JsonObject;
import com.google.iam.v1.Binding;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IAM policies on resources, with etags: a set with a stale etag is refused (409 ABORTED), as the
 * real services do. Callers hold the state lock.
 */
public final class IamPolicies {

  private static final List<String> MEMBER_PREFIXES =
      List.of(
          "user:",
          "serviceAccount:",
          "group:",
          "domain:",
          "principal:",
          "principalSet:",
          "deleted:");

  private final Map<String, Policy> policies = new HashMap<>();
  private long version;

  public Policy get(String resource) {
    return policies.computeIfAbsent(resource, r -> Policy.newBuilder().setEtag(nextEtag()).build());
  }

  /** A {@code :setIamPolicy} request: its policy and update mask applied to {@code resource}. */
  public Policy set(String resource, ApiRequest request) {
    SetIamPolicyRequest in = request.body(SetIamPolicyRequest.newBuilder(), "request").build();
    return set(resource, in.getPolicy(), in.hasUpdateMask() ? in.getUpdateMask() : null);
  }

  public Policy set(String resource, Policy policy, FieldMask updateMask) {
    Policy current = get(resource);
    if (!policy.getEtag().isEmpty() && !policy.getEtag().equals(current.getEtag())) {
      throw ApiException.aborted(
          "There were concurrent policy changes on '"
              + resource
              + "'. Please retry the whole read-modify-write with exponential backoff.");
    }
    for (int i = 0; i < policy.getBindingsCount(); i++) {
      validate(policy.getBindings(i), "policy.bindings[" + i + "]");
    }
    Policy.Builder next = current.toBuilder();
    List<String> paths = updateMask == null ? List.of() : updateMask.getPathsList();
    if (paths.isEmpty() || paths.contains("bindings")) {
      next.clearBindings().addAllBindings(policy.getBindingsList());
    }
    if (paths.isEmpty() || paths.contains("version")) {
      next.setVersion(policy.getVersion());
    }
    if (paths.contains("audit_configs") || paths.contains("auditConfigs")) {
      next.clearAuditConfigs().addAllAuditConfigs(policy.getAuditConfigsList());
    }
    Policy stored = next.setEtag(nextEtag()).build();
    policies.put(resource, stored);
    return stored;
  }

  public void remove(String resource) {
    policies.remove(resource);
  }

  public void reset() {
    policies.clear();
  }

  /** Every policy and the etag counter, for a state file. */
  public JsonObject save(ProtoJson json) {
    JsonObject byResource = new JsonObject();
    policies.forEach((resource, policy) -> byResource.add(resource, json.toTree(policy)));
    JsonObject out = new JsonObject();
    out.add("policies", byResource);
    out.addProperty("etagVersion", version);
    return out;
  }

  /** What {@link #save} wrote. */
  public void load(JsonObject saved, ProtoJson json) {
    policies.clear();
    if (saved == null) {
      return;
    }
    saved
        .getAsJsonObject("policies")
        .entrySet()
        .forEach(
            e ->
                policies.put(
                    e.getKey(),
                    json.fromTree(e.getValue(), Policy.newBuilder(), "iamPolicy").build()));
    version = saved.get("etagVersion").getAsLong();
  }

  /** Does the policy grant {@code role} to {@code member} (e.g. allUsers, roles/run.invoker)? */
  public boolean grants(String resource, String role, String member) {
    Policy p = policies.get(resource);
    return p != null
        && p.getBindingsList().stream()
            .anyMatch(b -> b.getRole().equals(role) && b.getMembersList().contains(member));
  }

  private static void validate(Binding binding, String field) {
    if (!binding.getRole().startsWith("roles/")
        && !binding.getRole().startsWith("projects/")
        && !binding.getRole().startsWith("organizations/")) {
      throw ApiException.invalidArgument(
          field + ".role",
          "'" + binding.getRole() + "' is not a role; use a name such as roles/run.invoker");
    }
    for (String member : binding.getMembersList()) {
      boolean ok =
          member.equals("allUsers")
              || member.equals("allAuthenticatedUsers")
              || MEMBER_PREFIXES.stream().anyMatch(member::startsWith);
      if (!ok) {
        throw ApiException.invalidArgument(
            field + ".members",
            "'"
                + member
                + "' is not a member; use allUsers, allAuthenticatedUsers, user:EMAIL,"
                + " serviceAccount:EMAIL, group:EMAIL or domain:DOMAIN");
      }
    }
  }

  private ByteString nextEtag() {
    version++;
    return ByteString.copyFrom(
        ("BwY" + Long.toString(version, 36)).getBytes(StandardCharsets.UTF_8));
  }
}
