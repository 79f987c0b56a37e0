package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.terraform.ScriptSandbox.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./runwire demo} on a machine without the Cloud SDK or its pubsub-emulator component says
 * what is missing and the one command that installs it, before it builds or starts anything. The
 * launcher runs from a copy of the repository whose {@code mvnw} and {@code java} are recorders, on
 * a PATH that holds only ordinary tools.
 */
class RunwireDemoPrerequisiteTest {

  @TempDir Path tmp;

  private ScriptSandbox sandbox;
  private Path repo;

  @BeforeEach
  void sandbox() {
    sandbox = new ScriptSandbox(tmp);
    repo = ScriptSandbox.mkdirs(tmp.resolve("repo"));
    ScriptSandbox.write(
        repo.resolve("runwire"),
        TerraformModule.read(ScriptSandbox.repository().resolve("runwire")));
    ScriptSandbox.executable(repo.resolve("runwire"));
    sandbox.fake(repo, "mvnw", "exit 0");
    sandbox.fake("java", "echo \"java saw PUBSUB_EMULATOR_JAR=$PUBSUB_EMULATOR_JAR\"");
  }

  @Test
  void withoutTheCloudSdkItSaysSoAndHowToInstallItBeforeBuilding() {
    Result result = demo(Map.of());

    assertEquals(1, result.exit(), result.output());
    assertTrue(
        result.output().contains("the Cloud SDK (gcloud) is not installed"), result.output());
    assertTrue(
        result.output().contains("curl -sSL https://sdk.cloud.google.com | bash")
            && result.output().contains("components install pubsub-emulator"),
        result.output());
    assertEquals(List.of(), sandbox.calls(), "nothing was built or started");
    assertTrue(result.millis() < 3_000, "the check took " + result.millis() + " ms");
  }

  @Test
  void anSdkWithoutTheEmulatorComponentGetsTheComponentsInstallCommand() {
    Path sdk = tmp.resolve("google-cloud-sdk");
    sandbox.fake(ScriptSandbox.mkdirs(sdk.resolve("bin")), "gcloud", "exit 0");

    Result result = demo(Map.of("PATH", sandbox.path(sdk.resolve("bin"))));

    assertEquals(1, result.exit(), result.output());
    assertTrue(
        result.output().contains("the Cloud SDK at " + sdk + " has no pubsub-emulator component"),
        result.output());
    assertTrue(
        result.output().contains(sdk + "/bin/gcloud components install pubsub-emulator"),
        result.output());
    assertEquals(List.of(), sandbox.calls(), "gcloud is not even run: the check reads files");
  }

  @Test
  void theEmulatorOfTheGcloudOnPathIsFoundThroughItsSymlinkAndHandedToTheDemo() throws IOException {
    Path sdk = tmp.resolve("sdk-root");
    Path sdkBin = ScriptSandbox.mkdirs(sdk.resolve("bin"));
    sandbox.fake(sdkBin, "gcloud", "exit 0");
    Path lib = ScriptSandbox.mkdirs(sdk.resolve("platform/pubsub-emulator/lib"));
    ScriptSandbox.write(lib.resolve("cloud-pubsub-emulator-0.8.9-all.jar"), "old");
    ScriptSandbox.write(lib.resolve("cloud-pubsub-emulator-0.8.20-all.jar"), "new");
    // Like /usr/bin/gcloud -> ../lib/google-cloud-sdk/bin/gcloud.
    Path usrBin = ScriptSandbox.mkdirs(tmp.resolve("usr-bin"));
    Files.createSymbolicLink(usrBin.resolve("gcloud"), sdkBin.resolve("gcloud"));

    Result result = demo(Map.of("PATH", sandbox.path(usrBin)), "--scenario", "counter");

    assertEquals(0, result.exit(), result.output());
    assertTrue(
        result
            .output()
            .contains(
                "java saw PUBSUB_EMULATOR_JAR=" + lib + "/cloud-pubsub-emulator-0.8.20-all.jar"),
        "the newest jar, so the local cloud need not run gcloud info: " + result.output());
    assertEquals(
        List.of(
            "mvnw -q -DskipTests package",
            "java -jar demo/target/runwire-demo.jar --scenario counter"),
        sandbox.calls());
  }

  @Test
  void anExplicitJarThatIsNotAFileIsNamed() {
    Result result = demo(Map.of("RUNWIRE_PUBSUB_EMULATOR_JAR", "/nowhere/emulator.jar"));

    assertEquals(1, result.exit(), result.output());
    assertTrue(
        result.output().contains("RUNWIRE_PUBSUB_EMULATOR_JAR=/nowhere/emulator.jar is not a file"),
        result.output());
    assertEquals(List.of(), sandbox.calls());
  }

  @Test
  void anExplicitJarIsUsedWithoutLookingForTheSdk() {
    Path jar = tmp.resolve("my-emulator.jar");
    ScriptSandbox.write(jar, "jar");

    Result result = demo(Map.of("PUBSUB_EMULATOR_JAR", jar.toString()));

    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("java saw PUBSUB_EMULATOR_JAR=" + jar), result.output());
  }

  private Result demo(Map<String, String> env, String... args) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("RUNWIRE_SDK_ROOTS", tmp.resolve("no-sdk-here").toString());
    all.putAll(env);
    String[] command = new String[args.length + 3];
    command[0] = "bash";
    command[1] = repo.resolve("runwire").toString();
    command[2] = "demo";
    System.arraycopy(args, 0, command, 3, args.length);
    return sandbox.run(repo, all, command);
  }
}
