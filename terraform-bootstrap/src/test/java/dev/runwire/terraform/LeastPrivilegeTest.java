package dev.runwire.terraform;

import static dev.runwire.terraform.TerraformModule.block;
import static dev.runwire.terraform.TerraformModule.leaves;
import static dev.runwire.terraform.TerraformModule.map;
import static dev.runwire.terraform.TerraformModule.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may do what: one identity per role, each with only the grants its role needs. */
class LeastPrivilegeTest {

  private static final String FUNCTION_SA = "google_service_account.function";
  private static final String JOB_SA = "google_service_account.job";
  private static final String TRIGGER_SA = "google_service_account.trigger";
  private static final String SCHEDULER_SA = "google_service_account.scheduler";

  /** A role attribute written as a literal, in the text (comments stripped). */
  private static final Pattern ROLE_LITERAL = Pattern.compile("\"(roles/[A-Za-z0-9_.]+)\"");

  private static TerraformModule module;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
  }

  @Test
  void noOwnerOrEditorRoleAnywhere() {
    List<String> found = new ArrayList<>();
    module
        .allResources()
        .forEach(
            (type, byName) ->
                byName.forEach(
                    (name, body) ->
                        leaves(body).stream()
                            .filter(LeastPrivilegeTest::isBasicRole)
                            .forEach(v -> found.add(type + "." + name + ": " + v))));
    leaves(module.locals()).stream()
        .filter(LeastPrivilegeTest::isBasicRole)
        .forEach(v -> found.add("locals: " + v));
    // Expressions hcl4j does not evaluate (toset([...]), conditionals) only show in the text.
    for (String role : roleLiteralsInCode()) {
      if (isBasicRole(role)) {
        found.add("literal " + role);
      }
    }

    assertTrue(found.isEmpty(), "basic roles are never granted: " + found);
  }

  @Test
  void functionServiceAccountHasNoProjectWideRole() {
    List<String> projectWide = new ArrayList<>();
    module
        .allResources()
        .forEach(
            (type, byName) -> {
              if (type.startsWith("google_project_iam_")
                  || type.startsWith("google_organization_iam_")
                  || type.startsWith("google_folder_iam_")) {
                byName.forEach(
                    (name, body) -> {
                      if (leaves(body).stream().anyMatch(v -> v.contains(FUNCTION_SA))) {
                        projectWide.add(type + "." + name);
                      }
                    });
              }
            });

    assertTrue(
        projectWide.isEmpty(), "the function's account is granted project-wide by " + projectWide);
  }

  @Test
  void functionMayRunOnlyTheRunwireJobAndPublishOnlyEvents() {
    List<String> grants = grantsTo(FUNCTION_SA);

    assertEquals(
        new TreeSet<>(
            List.of(
                "google_cloud_run_v2_job_iam_member roles/run.jobsExecutorWithOverrides on"
                    + " google_cloud_run_v2_job.runwire",
                "google_cloud_run_v2_job_iam_member roles/run.viewer on"
                    + " google_cloud_run_v2_job.runwire",
                "google_pubsub_topic_iam_member roles/pubsub.publisher on"
                    + " google_pubsub_topic.events")),
        new TreeSet<>(grants));
  }

  @Test
  void triggerIdentityMayOnlyInvokeTheFunction() {
    assertEquals(
        List.of(
            "google_cloud_run_v2_service_iam_member roles/run.invoker on"
                + " google_cloudfunctions2_function.runwire"),
        grantsTo(TRIGGER_SA));
    Map<String, Object> trigger =
        block(module.resource("google_cloudfunctions2_function", "runwire"), "event_trigger");
    assertEquals(TRIGGER_SA + ".email", text(trigger.get("service_account_email")));
  }

  @Test
  void schedulerMayOnlyPublishRequests() {
    assertEquals(
        List.of(
            "google_pubsub_topic_iam_member roles/pubsub.publisher on google_pubsub_topic.requests"),
        grantsTo(SCHEDULER_SA));
  }

  @Test
  void everyRoleRunsAsItsOwnServiceAccount() {
    Map<String, Object> function = module.resource("google_cloudfunctions2_function", "runwire");
    Map<String, Object> job = module.resource("google_cloud_run_v2_job", "runwire");
    Map<String, Object> scheduler = module.resource("google_cloud_scheduler_job", "drift_check");

    assertEquals(
        FUNCTION_SA + ".email",
        text(block(function, "service_config").get("service_account_email")));
    assertEquals(
        JOB_SA + ".email", text(block(job, "template", "template").get("service_account")));
    assertEquals(
        SCHEDULER_SA + ".email",
        text(block(scheduler, "http_target", "oauth_token").get("service_account_email")));
    assertEquals(
        Set.of("function", "job", "trigger", "scheduler", "build"),
        module.resources("google_service_account").keySet());
  }

  @Test
  void jobNeverActsAsEveryAccountOfAProject() {
    Map<String, Object> permissions = map(module.locals().get("job_permissions"));
    assertFalse(
        permissions.isEmpty(), "locals.job_permissions is the custom role's permission list");

    assertFalse(
        permissions.containsKey("iam.serviceAccounts.actAs"),
        "project-wide actAs would let the job deploy a service as any account in the project;"
            + " grant roles/iam.serviceAccountUser on the runtime accounts instead");
    module
        .resources("google_project_iam_member")
        .forEach(
            (name, body) ->
                assertFalse(
                    String.valueOf(body.get("role")).startsWith("roles/iam."),
                    "google_project_iam_member." + name + " grants an IAM role project-wide"));
    Map<String, Object> actAs =
        module.resource("google_service_account_iam_member", "job_acts_as_runtime");
    assertEquals("roles/iam.serviceAccountUser", text(actAs.get("role")));
  }

  @Test
  void jobCustomRoleHoldsOnlyPermissionsOfTheApisTheStepsCall() {
    Map<String, Object> permissions = map(module.locals().get("job_permissions"));
    Set<String> services = Set.of("compute", "redis", "vpcaccess", "secretmanager", "run");
    List<String> bad = new ArrayList<>();
    permissions.forEach(
        (permission, why) -> {
          String[] parts = permission.split("\\.");
          if (parts.length != 3 || !services.contains(parts[0])) {
            bad.add(permission);
          }
          if (text(why) == null || text(why).isBlank()) {
            bad.add(permission + " (no reason given)");
          }
        });

    assertTrue(bad.isEmpty(), "unexpected permissions in the job's custom role: " + bad);
    for (String needed :
        List.of(
            "redis.instances.create",
            "redis.instances.getAuthString",
            "compute.subnetworks.create",
            "compute.firewalls.create",
            "compute.networks.updatePolicy",
            "compute.routers.update",
            "vpcaccess.connectors.create",
            "secretmanager.secrets.setIamPolicy",
            "run.services.create",
            "run.services.update")) {
      assertTrue(permissions.containsKey(needed), "the job's custom role lacks " + needed);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Every {@code *_iam_member} grant whose member is {@code account}, as "type role on target",
   * where target is the resource the grant names (its name/topic/service attribute, minus the
   * attribute).
   */
  private static List<String> grantsTo(String account) {
    List<String> grants = new ArrayList<>();
    module
        .allResources()
        .forEach(
            (type, byName) -> {
              if (!type.endsWith("_iam_member") && !type.endsWith("_iam_binding")) {
                return;
              }
              byName.forEach(
                  (name, body) -> {
                    if (!leaves(body.get("member")).toString().contains(account)
                        && !leaves(body.get("members")).toString().contains(account)) {
                      return;
                    }
                    grants.add(type + " " + text(body.get("role")) + " on " + target(body));
                  });
            });
    return grants;
  }

  private static String target(Map<String, Object> grant) {
    for (String attribute : List.of("name", "topic", "service", "bucket", "repository")) {
      String ref = text(grant.get(attribute));
      if (ref != null && ref.contains(".")) {
        return ref.substring(0, ref.lastIndexOf('.'));
      }
    }
    return "?";
  }

  private static boolean isBasicRole(String value) {
    return value.equals("roles/owner")
        || value.equals("roles/editor")
        || value.equals("roles/viewer");
  }

  private static Set<String> roleLiteralsInCode() {
    Set<String> roles = new TreeSet<>();
    module
        .texts()
        .values()
        .forEach(
            text -> {
              for (String line : text.split("\n")) {
                String code = stripComment(line);
                Matcher m = ROLE_LITERAL.matcher(code);
                while (m.find()) {
                  roles.add(m.group(1));
                }
              }
            });
    return roles;
  }

  /** The line without a trailing {@code #} or {@code //} comment (not inside a string). */
  private static String stripComment(String line) {
    boolean inString = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString
          && (c == '#' || (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/'))) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
