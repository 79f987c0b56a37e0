package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.cloud.CloudEndpoints;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {

  private static final String JOB = "projects/p1/locations/europe-west1/jobs/runwire-job";

  @Test
  void defaultsApplyWhenOnlyTheJobIsSet() {
    FunctionConfig config = FunctionConfig.fromEnv(Map.of("RUNWIRE_JOB", JOB));

    assertEquals(JOB, config.job().toString());
    assertEquals(10, config.maxTasks());
    assertEquals(65_536, config.maxMessageBytes());
    assertFalse(config.deadLetterPermanentFailures());
    assertNull(config.eventsTopic());
    assertNull(config.endpoints().endpoint(CloudEndpoints.Api.RUN));
    assertEquals(
        "//run.googleapis.com/projects/p1/locations/europe-west1/services/runwire-function",
        config.eventSource());
  }

  @Test
  void everyVariableIsRead() {
    Map<String, String> env = new HashMap<>();
    env.put("RUNWIRE_JOB", JOB);
    env.put("RUNWIRE_MAX_TASKS", "3");
    env.put("RUNWIRE_MAX_MESSAGE_BYTES", "2048");
    env.put("RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES", "TRUE");
    env.put("RUNWIRE_EVENTS_TOPIC", "projects/p1/topics/runwire-events");
    env.put("RUNWIRE_LOCAL_CLOUD", "http://127.0.0.1:8090");
    env.put("PUBSUB_EMULATOR_HOST", "127.0.0.1:8085");
    env.put("K_SERVICE", "runwire-fn");

    FunctionConfig config = FunctionConfig.fromEnv(env);

    assertEquals(3, config.maxTasks());
    assertEquals(2048, config.maxMessageBytes());
    assertTrue(config.deadLetterPermanentFailures());
    assertEquals("projects/p1/topics/runwire-events", config.eventsTopic());
    assertEquals("http://127.0.0.1:8090", config.endpoints().endpoint(CloudEndpoints.Api.RUN));
    assertEquals("127.0.0.1:8085", config.endpoints().pubsubEmulatorHost());
    assertTrue(config.eventSource().endsWith("/services/runwire-fn"));
  }

  @Test
  void missingJobNamesTheVariableAndTheFormat() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> FunctionConfig.fromEnv(Map.of()));
    assertTrue(e.getMessage().contains("RUNWIRE_JOB"));
    assertTrue(e.getMessage().contains("projects/PROJECT/locations/REGION/jobs/JOB"));
  }

  @Test
  void shortJobNameIsRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> FunctionConfig.fromEnv(Map.of("RUNWIRE_JOB", "runwire-job")));
    assertTrue(e.getMessage().contains("'runwire-job'"));
  }

  @Test
  void badNumbersAndFlagsAreRefusedWithTheAllowedRange() {
    assertRefused("RUNWIRE_MAX_TASKS", "0", "1 to 10000");
    assertRefused("RUNWIRE_MAX_TASKS", "ten", "1 to 10000");
    assertRefused("RUNWIRE_MAX_MESSAGE_BYTES", "-5", "whole number");
    assertRefused("RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES", "yes", "true or false");
    assertRefused("RUNWIRE_EVENTS_TOPIC", "runwire-events", "projects/P/topics/T");
  }

  @Test
  void aBadDeploymentPolicyStopsTheStartNamingTheVariableAndTheFix() {
    assertRefused("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "gcr.io/acme", "write gcr.io/acme/");
    assertRefused("RUNWIRE_ALLOW_PUBLIC_SERVICES", "yes", "true or false");
    assertRefused("RUNWIRE_ALLOW_ADOPTION", "on", "true or false");
    assertRefused("RUNWIRE_DATA_LOSS_PROJECTS", "all", "not a project id");
    assertRefused("RUNWIRE_ALLOWED_PROJECTS", "Acme Prod", "not a project id");
  }

  @Test
  void thePolicyDefaultsAreStrict() {
    FunctionConfig config = FunctionConfig.fromEnv(Map.of("RUNWIRE_JOB", JOB));

    assertEquals(List.of(), config.policy().allowedImagePrefixes());
    assertFalse(config.policy().allowPublicServices());
    assertFalse(config.policy().allowAdoption());
    assertTrue(config.policy().dataLossAllowedIn("any-project"));
  }

  private static void assertRefused(String name, String value, String hint) {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> FunctionConfig.fromEnv(Map.of("RUNWIRE_JOB", JOB, name, value)));
    assertTrue(e.getMessage().startsWith(name), e.getMessage());
    assertTrue(e.getMessage().contains(hint), e.getMessage());
  }
}
