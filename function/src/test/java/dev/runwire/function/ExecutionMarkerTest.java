package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.TaskTemplate;
import org.junit.jupiter.api.Test;

/** How the launcher recognises which request an execution serves. */
class ExecutionMarkerTest {

  @Test
  void markerEnvNamesTheRequest() {
    assertEquals(
        "r-1",
        CloudRunJobLauncher.requestIdOf(
            execution(
                env("RUNWIRE_REQUEST", "{\"requestId\":\"other\"}"),
                env("RUNWIRE_REQUEST_ID", "r-1"))));
  }

  @Test
  void executionStartedByHandIsRecognisedByTheRequestInside() {
    assertEquals(
        "by-hand-1",
        CloudRunJobLauncher.requestIdOf(
            execution(env("RUNWIRE_REQUEST", "{\"requestId\":\"by-hand-1\",\"mode\":\"plan\"}"))));
  }

  @Test
  void executionWithoutARequestServesNone() {
    assertNull(CloudRunJobLauncher.requestIdOf(execution(env("OTHER", "x"))));
    assertNull(CloudRunJobLauncher.requestIdOf(execution(env("RUNWIRE_REQUEST", "not json"))));
    assertNull(CloudRunJobLauncher.requestIdOf(Execution.getDefaultInstance()));
  }

  private static Execution execution(EnvVar... env) {
    return Execution.newBuilder()
        .setTemplate(
            TaskTemplate.newBuilder()
                .addContainers(Container.newBuilder().addAllEnv(java.util.List.of(env))))
        .build();
  }

  private static EnvVar env(String name, String value) {
    return EnvVar.newBuilder().setName(name).setValue(value).build();
  }
}
