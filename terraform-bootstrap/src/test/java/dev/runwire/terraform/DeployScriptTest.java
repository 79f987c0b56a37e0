package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.terraform.ScriptSandbox.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./runwire deploy} (scripts/deploy.sh) offline: {@code terraform}, {@code gcloud} and the
 * Maven wrapper are recorders, so the tests see which commands it runs, in which order, and that a
 * missing tool, login or variable stops it before the first of them.
 */
class DeployScriptTest {

  private static final String IMAGE = "europe-west1-docker.pkg.dev/acme-prod/runwire/runwire-job";
  private static final String DIGEST =
      "sha256:b5552dd0e7922a6a98d10d8aee9ec0e9795191d1c21666b5c42b83f4101d17a9";
  private static final String SUBSCRIPTION =
      "projects/acme-prod/subscriptions/eventarc-europe-west1-runwire-function-1-sub-2";

  @TempDir Path tmp;

  private ScriptSandbox sandbox;
  private Path repo;

  @BeforeEach
  void sandbox() {
    sandbox = new ScriptSandbox(tmp.resolve("sandbox")).withJdk();
    repo = ScriptSandbox.mkdirs(tmp.resolve("sandbox/repo"));
    Path real = ScriptSandbox.repository();
    for (String file :
        List.of(
            "runwire",
            "terraform-bootstrap/scripts/deploy.sh",
            "terraform-bootstrap/scripts/configure-trigger-subscription.sh",
            "terraform-bootstrap/variables.tf",
            "terraform-bootstrap/terraform.tfvars.example")) {
      Path target = repo.resolve(file);
      ScriptSandbox.write(target, TerraformModule.read(real.resolve(file)));
      ScriptSandbox.executable(target);
    }
    // The Maven wrapper leaves what the real builds leave: the function jar, Jib's digest file.
    sandbox.fake(
        repo,
        "mvnw",
        String.join(
            "\n",
            "case \" $* \" in",
            "  *' function '*) mkdir -p function/target && echo jar > function/target/runwire-function.jar ;;",
            "  *jib-maven-plugin*) mkdir -p job/target && echo "
                + DIGEST
                + " > job/target/jib-image.digest ;;",
            "esac"));
    sandbox.fake(
        "terraform",
        String.join(
            "\n",
            "for last; do :; done",
            "case \" $* \" in",
            "  *' output -raw '*) printf '%s' \"value-of-$last\" ;;",
            "esac"));
    gcloud("acme-deployer@example.com");
  }

  @Test
  void dryRunPrintsTheWholeSequenceForTheExampleTfvarsAndRunsNothing() {
    // The real repository: dry-run runs nothing, so this checks the paths it names exist there.
    Path real = ScriptSandbox.repository();
    Result result =
        sandbox.run(
            real,
            Map.of(),
            "bash",
            real.resolve("runwire").toString(),
            "deploy",
            "--project",
            "acme-prod",
            "--region",
            "europe-west1",
            "--tfvars",
            "terraform-bootstrap/terraform.tfvars.example",
            "--dry-run");

    assertEquals(0, result.exit(), result.output());
    assertEquals(List.of(), sandbox.calls(), "a dry run calls no tool");
    String tfvars = real.resolve("terraform-bootstrap/terraform.tfvars.example").toString();
    String vars =
        "-var-file="
            + tfvars
            + " -var=project_id=acme-prod -var=region=europe-west1"
            + " -var=function_source_zip=function-source.zip";
    assertCommandsInOrder(
        result.output(),
        "+ gcloud auth list --filter=status:ACTIVE",
        "+ gcloud auth application-default print-access-token",
        "+ gcloud projects describe acme-prod",
        "[1/6]",
        "+ ./mvnw -q -pl function -am package -DskipTests",
        "+ jar --create --no-manifest --file terraform-bootstrap/function-source.zip -C"
            + " function/target runwire-function.jar",
        "[2/6]",
        "+ terraform -chdir=terraform-bootstrap init -input=false",
        "+ terraform -chdir=terraform-bootstrap apply " + vars + " -var=job_image=" + IMAGE + ":",
        "-target=google_project_service.host -target=google_artifact_registry_repository.runwire",
        "[3/6]",
        "+ ./mvnw -q -pl job -am package com.google.cloud.tools:jib-maven-plugin:3.5.2:build"
            + " -DskipTests -Djib.containerize=dev.runwire:runwire-job -Djib.to.credHelper=gcloud"
            + " -Dimage="
            + IMAGE
            + ":",
        "[4/6]",
        "+ terraform -chdir=terraform-bootstrap apply "
            + vars
            + " -var=job_image="
            + IMAGE
            + "@$(cat job/target/jib-image.digest)",
        "[5/6]",
        "\"TRIGGER=$(terraform -chdir=terraform-bootstrap output -raw eventarc_trigger)\"",
        "bash terraform-bootstrap/scripts/configure-trigger-subscription.sh",
        "[6/6]",
        "+ terraform -chdir=terraform-bootstrap output -raw example_publish_command",
        "+ terraform -chdir=terraform-bootstrap output -raw example_execute_command",
        "dry run, nothing was run or changed");
    for (String path :
        List.of(
            "mvnw",
            "function",
            "job",
            "terraform-bootstrap/scripts/configure-trigger-subscription.sh")) {
      assertTrue(
          Files.exists(real.resolve(path)), "the dry run names " + path + ", which is missing");
    }
  }

  @Test
  void aRealRunCallsTheToolsInOrder() {
    Result result = deploy("--tfvars", "terraform-bootstrap/terraform.tfvars.example");

    assertEquals(0, result.exit(), result.output());
    List<String> calls = sandbox.calls();
    assertEquals(
        List.of(
            "gcloud auth list",
            "gcloud auth application-default",
            "gcloud projects describe",
            "mvnw -q -pl",
            "terraform -chdir=terraform-bootstrap init",
            "terraform -chdir=terraform-bootstrap apply",
            "mvnw -q -pl",
            "terraform -chdir=terraform-bootstrap apply",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output",
            "gcloud eventarc triggers",
            "gcloud pubsub subscriptions",
            "gcloud pubsub subscriptions",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output",
            "terraform -chdir=terraform-bootstrap output"),
        calls.stream().map(DeployScriptTest::firstWords).toList(),
        String.join("\n", calls));
    assertTrue(calls.get(3).startsWith("mvnw -q -pl function -am package"), calls.get(3));
    assertTrue(calls.get(5).endsWith("-target=google_artifact_registry_repository.runwire"));
    assertTrue(calls.get(6).contains("jib-maven-plugin:3.5.2:build"), calls.get(6));
    assertTrue(
        calls.get(7).contains("-var=job_image=" + IMAGE + "@" + DIGEST),
        "the full apply pins the pushed digest: " + calls.get(7));
    assertFalse(calls.get(7).contains("-target"), calls.get(7));
    assertTrue(
        calls.get(14).contains("--dead-letter-topic=value-of-dead_letter_topic")
            && calls.get(14).contains("--max-delivery-attempts=value-of-max_delivery_attempts"),
        calls.get(14));
    assertTrue(
        Files.isRegularFile(repo.resolve("terraform-bootstrap/function-source.zip")),
        "the function zip was built with jar");
    assertTrue(result.output().contains("value-of-example_publish_command"), result.output());
    assertTrue(result.output().contains("runwire deploy: done"), result.output());
  }

  @Test
  void aMissingToolStopsItBeforeAnyChange() {
    Path noTerraform = ScriptSandbox.mkdirs(tmp.resolve("only-gcloud"));
    sandbox.fake(noTerraform, "gcloud", "exit 0");
    Result result =
        sandbox.run(
            repo,
            Map.of("PATH", noTerraformPath(noTerraform)),
            "bash",
            "runwire",
            "deploy",
            "--project",
            "acme-prod",
            "--region",
            "europe-west1",
            "--tfvars",
            "terraform-bootstrap/terraform.tfvars.example");

    assertEquals(3, result.exit(), result.output());
    assertTrue(
        result.output().contains("terraform not found on PATH: install Terraform >= 1.4"),
        result.output());
    assertEquals(List.of(), sandbox.calls(), "nothing ran");
  }

  @Test
  void notLoggedInStopsItBeforeAnyChange() {
    gcloud("");

    Result result = deploy("--tfvars", "terraform-bootstrap/terraform.tfvars.example");

    assertEquals(4, result.exit(), result.output());
    assertTrue(result.output().contains("run 'gcloud auth login'"), result.output());
    assertEquals(List.of("gcloud auth list"), firstWords(sandbox.calls()));
  }

  @Test
  void aMissingVariableIsNamedBeforeAnyChange() {
    ScriptSandbox.write(
        repo.resolve("terraform-bootstrap/terraform.tfvars"), "allowed_regions = []\n");

    Result result = deploy();

    assertEquals(2, result.exit(), result.output());
    assertTrue(result.output().contains("does not set target_projects"), result.output());
    assertEquals(List.of(), sandbox.calls());
  }

  @Test
  void withoutATfvarsFileItSaysHowToStartOne() {
    Result result = deploy();

    assertEquals(2, result.exit(), result.output());
    assertTrue(
        result
            .output()
            .contains(
                "cp terraform-bootstrap/terraform.tfvars.example terraform-bootstrap/terraform.tfvars"),
        result.output());
  }

  @Test
  void aZoneGivenAsRegionIsRefused() {
    Result result =
        sandbox.run(
            repo,
            Map.of(),
            "bash",
            "runwire",
            "deploy",
            "--project",
            "acme-prod",
            "--region",
            "europe-west1-b",
            "--dry-run");

    assertEquals(2, result.exit(), result.output());
    assertTrue(result.output().contains("not a zone"), result.output());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void gcloud(String account) {
    sandbox.fake(
        "gcloud",
        String.join(
            "\n",
            "case \"$1 $2 $3\" in",
            "  'auth list '*) echo '" + account + "' ;;",
            "  'projects describe '*) echo \"$3\" ;;",
            "  'eventarc triggers describe') echo '" + SUBSCRIPTION + "' ;;",
            "esac"));
  }

  private Result deploy(String... more) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash", "runwire", "deploy", "--project", "acme-prod", "--region", "europe-west1"));
    command.addAll(List.of(more));
    return sandbox.run(repo, Map.of(), command.toArray(String[]::new));
  }

  private String noTerraformPath(Path first) {
    // The sandbox's PATH without its fakes dir (where terraform is).
    String path = sandbox.path(first);
    return path.replace(tmp.resolve("sandbox/fakes").toString() + ":", "");
  }

  private static List<String> firstWords(List<String> calls) {
    return calls.stream().map(DeployScriptTest::firstWords).toList();
  }

  private static String firstWords(String call) {
    String[] words = call.split(" ");
    return String.join(" ", List.of(words).subList(0, Math.min(3, words.length)));
  }

  private static void assertCommandsInOrder(String output, String... expected) {
    int from = 0;
    for (String line : expected) {
      int at = output.indexOf(line, from);
      assertTrue(at >= 0, "missing, or out of order: " + line + "\n--- output:\n" + output);
      from = at + line.length();
    }
  }
}
