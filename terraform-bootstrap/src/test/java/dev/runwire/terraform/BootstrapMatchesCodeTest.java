package dev.runwire.terraform;

import static dev.runwire.terraform.TerraformModule.block;
import static dev.runwire.terraform.TerraformModule.repeated;
import static dev.runwire.terraform.TerraformModule.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap against the Java code it deploys, read from the sibling modules at test time: the
 * env var names Terraform sets are names the code reads, and the entry point exists.
 */
class BootstrapMatchesCodeTest {

  private static final String ENTRY_POINT = "dev.runwire.function.ProvisioningRequestFunction";
  private static final Pattern RUNWIRE_NAME = Pattern.compile("\\bRUNWIRE_[A-Z0-9_]*[A-Z0-9]\\b");

  private static TerraformModule module;
  private static RunwireCode code;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
    code = RunwireCode.beside(module);
  }

  @Test
  void everyRunwireVariableSetOnTheJobIsReadByTheJob() {
    assumeLanded("job");
    // The job reads its own settings and, through the schemas module, the shared ones.
    Set<String> read = code.runwireNamesIn("job", "schemas");
    Set<String> set = runwireNames(jobEnv().keySet());

    assertTrue(!set.isEmpty(), "the job sets no RUNWIRE_* variable: " + jobEnv().keySet());
    assertNamesRead("google_cloud_run_v2_job.runwire env", set, read, "job");
  }

  @Test
  void everyRunwireVariableSetOnTheFunctionIsReadByTheFunction() {
    assumeLanded("function");
    Set<String> read = code.runwireNamesIn("function", "schemas");
    Set<String> set = runwireNames(functionEnv().keySet());

    assertTrue(!set.isEmpty(), "the function sets no RUNWIRE_* variable");
    assertNamesRead(
        "google_cloudfunctions2_function.runwire environment_variables", set, read, "function");
  }

  @Test
  void everyRunwireNameTheBootstrapMentionsIsKnownToTheCode() {
    assumeLanded("job");
    assumeLanded("function");
    Set<String> known = code.runwireNamesIn("job", "function", "schemas");
    // Outputs and the README tell people to set RUNWIRE_REQUEST by hand: that must be real too.
    Set<String> mentioned = new TreeSet<>();
    module.texts().values().forEach(text -> mentioned.addAll(runwireNamesInText(text)));
    Path readme = module.directory().resolve("README.md");
    if (Files.exists(readme)) {
      mentioned.addAll(runwireNamesInText(TerraformModule.read(readme)));
    }

    assertTrue(mentioned.contains("RUNWIRE_REQUEST"), "no example sets RUNWIRE_REQUEST");
    assertNamesRead("the bootstrap's .tf files and README", mentioned, known, "job or function");
  }

  @Test
  void functionEntryPointClassExists() {
    Map<String, Object> function = module.resource("google_cloudfunctions2_function", "runwire");
    String entryPoint = text(block(function, "build_config").get("entry_point"));
    assertEquals(ENTRY_POINT, entryPoint, "the entry point the common brief fixes");

    assumeLanded("function");
    Path source = code.classFile("function", entryPoint);
    assertTrue(
        Files.isRegularFile(source),
        "build_config.entry_point names "
            + entryPoint
            + " but "
            + source
            + " does not exist: the function would fail to deploy");
  }

  @Test
  void jobEnvironmentNamesTheEventsTopicAndTheAllowedProjects() {
    Map<String, Object> env = jobEnv();

    assertEquals(
        "google_pubsub_topic.events.id",
        text(env.get("RUNWIRE_EVENTS_TOPIC")),
        "the job must publish to the events topic Terraform creates (projects/P/topics/T)");
    assertTrue(
        env.containsKey("RUNWIRE_ALLOWED_PROJECTS"),
        "the job must be told which projects it may touch: " + env.keySet());
    assertTrue(
        jobText().contains("join(\",\", var.target_projects)"),
        "RUNWIRE_ALLOWED_PROJECTS must be the comma list of var.target_projects");
  }

  @Test
  void functionLaunchesThisJobAndPublishesToTheEventsTopic() {
    Map<String, Object> env = functionEnv();

    assertEquals("google_cloud_run_v2_job.runwire.id", text(env.get("RUNWIRE_JOB")));
    assertEquals("google_pubsub_topic.events.id", text(env.get("RUNWIRE_EVENTS_TOPIC")));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Map<String, Object> jobEnv() {
    Map<String, Object> job = module.resource("google_cloud_run_v2_job", "runwire");
    Map<String, Object> container = block(job, "template", "template", "containers");
    Map<String, Object> env = new LinkedHashMap<>();
    for (Map<String, Object> entry : repeated(container, "env")) {
      env.put(text(entry.get("name")), entry.get("value"));
    }
    return env;
  }

  private static Map<String, Object> functionEnv() {
    Map<String, Object> function = module.resource("google_cloudfunctions2_function", "runwire");
    return block(function, "service_config", "environment_variables");
  }

  private static String jobText() {
    return module.texts().entrySet().stream()
        .filter(e -> e.getKey().getFileName().toString().equals("job.tf"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("job.tf not found"));
  }

  private static Set<String> runwireNames(Set<String> names) {
    Set<String> out = new TreeSet<>();
    names.stream().filter(n -> n.startsWith("RUNWIRE_")).forEach(out::add);
    return out;
  }

  private static Set<String> runwireNamesInText(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = RUNWIRE_NAME.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static void assertNamesRead(String where, Set<String> set, Set<String> read, String who) {
    Set<String> unread = new TreeSet<>(set);
    unread.removeAll(read);
    assertTrue(
        unread.isEmpty(),
        where
            + " sets "
            + unread
            + " but no \"RUNWIRE_...\" literal in the "
            + who
            + " code (or schemas) reads it; the code reads "
            + read
            + ". Rename the variable in Terraform or read it in the code.");
  }

  private static void assumeLanded(String javaModule) {
    assumeTrue(
        code.hasMainSources(javaModule),
        "the "
            + javaModule
            + " module has no main Java sources in this worktree yet: git merge main and re-run"
            + " to check the bootstrap against it");
  }
}
