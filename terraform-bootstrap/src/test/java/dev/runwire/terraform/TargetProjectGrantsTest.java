package dev.runwire.terraform;

import static dev.runwire.terraform.TerraformModule.block;
import static dev.runwire.terraform.TerraformModule.map;
import static dev.runwire.terraform.TerraformModule.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the job may do in the target projects after the real-semantics, policy and verify-probe
 * changes, and the narrowed build account.
 */
class TargetProjectGrantsTest {

  private static TerraformModule module;
  private static Map<String, Object> permissions;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
    permissions = map(module.locals().get("job_permissions"));
  }

  @Test
  void customRoleHoldsWhatTheJobNowCalls() {
    for (String needed :
        List.of(
            "compute.subnetworks.setPrivateIpGoogleAccess", // Private Google Access, not PATCH
            "compute.projects.get", // defaultServiceAccount, the runtime account of a service
            "compute.firewalls.list", // the EGRESS deny check
            "vpcaccess.connectors.update", // connector PATCH
            "redis.instances.update",
            "redis.instances.upgrade", // version in place
            "secretmanager.secrets.list", // drift sweep
            "secretmanager.secrets.getIamPolicy",
            "secretmanager.secrets.setIamPolicy", // accessor for the runtime account
            "run.jobs.create",
            "run.jobs.get",
            "run.jobs.update",
            "run.jobs.run",
            "run.executions.get")) { // the verify probe
      assertTrue(permissions.containsKey(needed), "locals.job_permissions lacks " + needed);
    }
  }

  /**
   * Permissions the job no longer uses: Private Google Access goes through setPrivateIpGoogleAccess
   * (no subnet PATCH), and the EGRESS allow is found in the network's rule list (no firewall get);
   * there is no INGRESS rule.
   */
  @Test
  void customRoleHoldsNothingTheJobNoLongerCalls() {
    for (String unused : List.of("compute.subnetworks.update", "compute.firewalls.get")) {
      assertFalse(permissions.containsKey(unused), "locals.job_permissions still has " + unused);
    }
  }

  @Test
  void customRoleHoldsNoPermissionCustomRolesCannotHave() {
    assertFalse(
        permissions.containsKey("vpcaccess.connectors.use"),
        "vpcaccess.connectors.use is not grantable in custom roles on current IAM: creating the"
            + " role would fail");
  }

  @Test
  void secretAccessIsLimitedToRunwiresAuthSecrets() {
    String targets = file("target_projects.tf");
    Map<String, Object> binding = module.resource("google_project_iam_member", "job_secrets");
    Map<String, Object> condition = block(binding, "condition");

    assertEquals(
        "resource.type == \"cloudresourcemanager.googleapis.com/Project\""
            + " || resource.name.endsWith(\"-auth\")"
            + " || resource.name.extract(\"/secrets/{secret}/versions/\").endsWith(\"-auth\")"
            + " || resource.name.endsWith(\"-server-ca\")"
            + " || resource.name.extract(\"/secrets/{secret}/versions/\").endsWith(\"-server-ca\")",
        text(condition.get("expression")),
        "create/list on the project; a secret or a version only when the secret is <redis>-auth"
            + " or <redis>-server-ca (the TLS CA)");
    assertTrue(
        targets.contains("p if startswith(p, \"secretmanager.\")")
            && targets.contains("p if !startswith(p, \"secretmanager.\")"),
        "Secret Manager permissions are split off the unconditional role");
    assertFalse(
        targets.contains("\"roles/secretmanager.admin\", "),
        "the predefined Secret Manager role is not in the unconditional set");
  }

  @Test
  void runtimeAccountsDefaultToEachTargetProjectsDefaultComputeAccount() {
    Map<String, Object> variable = module.variables().get("runtime_service_accounts");
    assertTrue(variable.containsKey("default"), "runtime_service_accounts has a default");
    assertNull(variable.get("default"), "null = the default compute accounts");
    assertTrue(
        file("target_projects.tf").contains("%s-compute@developer.gserviceaccount.com"),
        "the default compute account is PROJECT_NUMBER-compute@developer.gserviceaccount.com");
  }

  @Test
  void targetProjectsCloudRunAgentsMayPullTheProbeImage() {
    Map<String, Object> grant =
        module.resource("google_artifact_registry_repository_iam_member", "probe_image_reader");
    assertEquals("roles/artifactregistry.reader", text(grant.get("role")));
    assertTrue(
        file("target_projects.tf").contains("@serverless-robot-prod.iam.gserviceaccount.com"),
        "the member is the target project's Cloud Run service agent");
  }

  @Test
  void buildAccountHasNoProjectWideBuilderRole() {
    module
        .resources("google_project_iam_member")
        .forEach(
            (name, body) ->
                assertFalse(
                    "roles/cloudbuild.builds.builder".equals(text(body.get("role"))),
                    "google_project_iam_member."
                        + name
                        + " grants cloudbuild.builds.builder project-wide (publish, delete"
                        + " objects)"));
    Map<String, Object> reader =
        module.resource("google_project_iam_member", "build_source_reader");
    assertEquals("roles/storage.objectViewer", text(reader.get("role")));
    assertTrue(
        text(block(reader, "condition").get("expression")).contains("gcf-v2-sources-"),
        "project-wide read only of the buckets Cloud Functions stages sources in");
  }

  @Test
  void jobHasNoVpcEgressUnlessAsked() {
    String job = file("job.tf");
    assertTrue(
        job.contains("dynamic \"vpc_access\"")
            && job.contains("for_each = var.subnetwork == \"\" ? [] : [var.subnetwork]"),
        "verify runs on the service's path; the job's own egress is only for org policies");
    assertEquals("", text(module.variables().get("subnetwork").get("default")));
  }

  @Test
  void deploymentPolicyReachesFunctionAndJobWithSafeDefaults() {
    Map<String, Map<String, Object>> variables = module.variables();
    assertEquals(false, variables.get("allow_public_services").get("default"));
    assertEquals(false, variables.get("allow_adoption").get("default"));
    assertEquals(List.of(), variables.get("allowed_image_prefixes").get("default"));
    assertEquals(List.of("*"), variables.get("data_loss_projects").get("default"));

    Map<String, Object> functionEnv =
        block(
            module.resource("google_cloudfunctions2_function", "runwire"),
            "service_config",
            "environment_variables");
    String job = file("job.tf");
    for (String name :
        List.of(
            "RUNWIRE_ALLOWED_PROJECTS",
            "RUNWIRE_ALLOWED_REGIONS",
            "RUNWIRE_ALLOWED_IMAGE_PREFIXES",
            "RUNWIRE_ALLOW_PUBLIC_SERVICES",
            "RUNWIRE_ALLOW_ADOPTION",
            "RUNWIRE_DATA_LOSS_PROJECTS")) {
      assertTrue(functionEnv.containsKey(name), "the function does not get " + name);
      assertTrue(job.contains("name  = \"" + name + "\""), "the job does not get " + name);
    }
  }

  private static String file(String file) {
    return module.texts().entrySet().stream()
        .filter(e -> e.getKey().getFileName().toString().equals(file))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + " not found"));
  }
}
