package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-apply step that puts the dead-letter policy on the Eventarc-created subscription. The
 * gcloud it calls is replaced by a recorder on PATH (no Google Cloud here); the flags it uses are
 * checked against the real gcloud's help when the Cloud SDK is installed.
 */
class TriggerSubscriptionScriptTest {

  private static final String SUBSCRIPTION =
      "projects/acme-platform/subscriptions/eventarc-europe-west1-runwire-function-123-sub-456";

  private static Path script;

  @TempDir Path tmp;

  @BeforeAll
  static void locate() {
    script =
        TerraformModule.load().directory().resolve("scripts/configure-trigger-subscription.sh");
    assumeTrue(TerraformFormatTest.onPath("bash") != null, "bash is not on PATH");
  }

  @Test
  void scriptIsValidBash() throws Exception {
    Result result = run(List.of("bash", "-n", script.toString()), Map.of());
    assertEquals(0, result.exit(), result.output());
  }

  @Test
  void scriptRefusesToRunWithoutItsSettings() throws Exception {
    Result result = run(List.of("bash", script.toString()), Map.of());

    assertEquals(2, result.exit(), result.output());
    assertTrue(result.output().contains("PROJECT is not set"), result.output());
  }

  @Test
  void scriptPutsTheDeadLetterPolicyOnTheTriggersSubscription() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path log = tmp.resolve("gcloud.log");
    Path fake = bin.resolve("gcloud");
    Files.writeString(
        fake,
        "#!/usr/bin/env bash\n"
            + "printf '%s\\n' \"$*\" >> \""
            + log
            + "\"\n"
            + "if [ \"$1 $2 $3\" = 'eventarc triggers describe' ]; then echo '"
            + SUBSCRIPTION
            + "'; fi\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("PROJECT", "acme-platform");
    env.put(
        "TRIGGER", "projects/acme-platform/locations/europe-west1/triggers/runwire-function-123");
    env.put("DEAD_LETTER_TOPIC", "projects/acme-platform/topics/runwire-dead-letter");
    env.put("MAX_DELIVERY_ATTEMPTS", "7");
    env.put("MESSAGE_RETENTION", "604800s");
    env.put(
        "PUBSUB_SERVICE_AGENT", "serviceAccount:service-42@gcp-sa-pubsub.iam.gserviceaccount.com");
    Result result = run(List.of("bash", script.toString()), env);

    assertEquals(0, result.exit(), result.output());
    List<String> calls = Files.readAllLines(log);
    assertEquals(3, calls.size(), "describe, update, add-iam-policy-binding: " + calls);
    assertTrue(
        calls
            .get(0)
            .startsWith(
                "eventarc triggers describe " + env.get("TRIGGER") + " --project=acme-platform"),
        calls.get(0));
    assertTrue(
        calls.get(1).startsWith("pubsub subscriptions update " + SUBSCRIPTION), calls.get(1));
    for (String flag :
        List.of(
            "--dead-letter-topic=projects/acme-platform/topics/runwire-dead-letter",
            "--max-delivery-attempts=7",
            "--message-retention-duration=604800s",
            "--min-retry-delay=10s",
            "--max-retry-delay=600s")) {
      assertTrue(calls.get(1).contains(flag), flag + " missing from " + calls.get(1));
    }
    assertTrue(
        calls.get(2).startsWith("pubsub subscriptions add-iam-policy-binding " + SUBSCRIPTION)
            && calls
                .get(2)
                .contains(
                    "--member=serviceAccount:service-42@gcp-sa-pubsub.iam.gserviceaccount.com")
            && calls.get(2).contains("--role=roles/pubsub.subscriber"),
        calls.get(2));
  }

  @Test
  void flagsTheScriptUsesExistInTheRealGcloud() throws Exception {
    Path gcloud = TerraformFormatTest.onPath("gcloud");
    assumeTrue(
        gcloud != null, "the Cloud SDK is not installed here, so gcloud's flags are not checked");
    String scriptText = TerraformModule.read(script);

    Map<List<String>, List<String>> flagsByCommand =
        Map.of(
            List.of("pubsub", "subscriptions", "update"),
            List.of(
                "--dead-letter-topic",
                "--max-delivery-attempts",
                "--min-retry-delay",
                "--max-retry-delay",
                "--message-retention-duration"),
            List.of("pubsub", "subscriptions", "add-iam-policy-binding"),
            List.of("--member", "--role"),
            List.of("eventarc", "triggers", "describe"),
            List.of("--format", "--project"));
    for (var entry : flagsByCommand.entrySet()) {
      List<String> command = new ArrayList<>(List.of(gcloud.toString()));
      command.addAll(entry.getKey());
      command.add("--help");
      Result help =
          run(
              command,
              Map.of(
                  "PATH",
                  System.getenv("PATH"),
                  "HOME",
                  tmp.toString(),
                  "CLOUDSDK_CONFIG",
                  tmp.resolve("gcloud").toString(),
                  "PAGER",
                  "cat"));
      for (String flag : entry.getValue()) {
        assertTrue(scriptText.contains(flag), "the script no longer uses " + flag);
        assertTrue(
            help.output().contains(flag) || isGlobalFlag(flag),
            "gcloud " + String.join(" ", entry.getKey()) + " has no " + flag);
      }
    }
  }

  private static boolean isGlobalFlag(String flag) {
    // gcloud documents --format and --project once, under GCLOUD WIDE FLAGS.
    return flag.equals("--format") || flag.equals("--project");
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile(tmp, "out", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    if (!env.containsKey("PATH")) {
      builder.environment().put("PATH", "/usr/bin:/bin");
    }
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }
}
