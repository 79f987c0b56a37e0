package dev.runwire.emulator.core;

import com.google.gson.JsonObject;
import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
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

  private static final String WITH_CONDITION = "_withcond_";

  private final Map<String, Policy> policies = new HashMap<>();
  private long version;

  public Policy get(String resource) {
    return policies.computeIfAbsent(resource, r -> Policy.newBuilder().setEtag(nextEtag()).build());
  }

  /**
   * A {@code :getIamPolicy} request: the policy formatted for the requested version ({@code
   * options.requestedPolicyVersion} in the query, as GET callers send it, or {@code
   * options.requestedPolicyVersion} in a POST body).
   */
  public Policy read(String resource, ApiRequest request) {
    int requested = request.queryInt("options.requestedPolicyVersion", 0);
    if (request.hasBody()) {
      GetIamPolicyRequest in = request.body(GetIamPolicyRequest.newBuilder(), "request").build();
      if (in.hasOptions()) {
        requested = in.getOptions().getRequestedPolicyVersion();
      }
    }
    return read(resource, requested);
  }

  /**
   * The policy as IAM formats it for {@code requestedVersion} (GetPolicyOptions and Policy.version
   * in google/iam/v1): valid versions are 0, 1 and 3, others are refused; the response's {@code
   * version} is 3 only when the policy has a conditional binding and 3 was asked for, else 1. A
   * policy with conditional bindings read below version 3 comes back as version 1 with each
   * conditional binding's role suffixed {@code _withcond_<hash>} and its condition left out (IAM
   * docs, "Policy versions": "the role name is modified ... and the condition is omitted"), so a
   * caller that writes it back cannot silently turn a conditional grant into an unconditional one.
   */
  public Policy read(String resource, int requestedVersion) {
    checkVersion("options.requestedPolicyVersion", requestedVersion);
    Policy p = get(resource);
    boolean conditional = hasConditions(p);
    if (!conditional) {
      return p.toBuilder().setVersion(1).build();
    }
    if (requestedVersion == 3) {
      return p.toBuilder().setVersion(3).build();
    }
    Policy.Builder v1 = p.toBuilder().setVersion(1).clearBindings();
    for (Binding b : p.getBindingsList()) {
      if (b.hasCondition()) {
        v1.addBindings(
            b.toBuilder()
                .setRole(b.getRole() + WITH_CONDITION + conditionHash(b))
                .clearCondition());
      } else {
        v1.addBindings(b);
      }
    }
    return v1.build();
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
    // Policy.version (google/iam/v1/policy.proto): "Any operation that affects conditional role
    // bindings must specify version 3": adding or changing one, or removing any binding from a
    // policy that has conditions.
    checkVersion("policy.version", policy.getVersion());
    boolean touchesConditions =
        hasConditions(policy) || (hasConditions(current) && !policy.getEtag().isEmpty());
    if (touchesConditions && policy.getVersion() != 3) {
      throw ApiException.invalidArgument(
          "policy.version",
          "is "
              + policy.getVersion()
              + " but the policy has conditional role bindings: read it with"
              + " options.requestedPolicyVersion=3 and send it back with version 3");
    }
    Policy.Builder next = current.toBuilder();
    List<String> paths = updateMask == null ? List.of() : updateMask.getPathsList();
    if (paths.isEmpty() || paths.contains("bindings")) {
      next.clearBindings().addAllBindings(policy.getBindingsList());
    }
    if (paths.isEmpty() || paths.contains("version")) {
      next.setVersion(hasConditions(policy) ? 3 : 1);
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

  private static void checkVersion(String field, int version) {
    if (version != 0 && version != 1 && version != 3) {
      throw ApiException.invalidArgument(
          field, version + " is not a policy version; valid values are 0, 1 and 3");
    }
  }

  private static boolean hasConditions(Policy p) {
    return p.getBindingsList().stream().anyMatch(Binding::hasCondition);
  }

  private static String conditionHash(Binding b) {
    long h = 1125899906842597L;
    for (char c : (b.getRole() + b.getCondition().getExpression()).toCharArray()) {
      h = 31 * h + c;
    }
    return String.format("%016x", h).substring(0, 16) + "%04x".formatted(b.getMembersCount());
  }

  private static void validate(Binding binding, String field) {
    if (binding.getRole().contains(WITH_CONDITION)) {
      throw ApiException.invalidArgument(
          field + ".role",
          "'"
              + binding.getRole()
              + "' is a version 1 view of a conditional binding; read the policy with"
              + " options.requestedPolicyVersion=3 and write that back");
    }
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
