package dev.runwire.demo;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link LocalEnvironment} (instant profile) for every end-to-end test class in the run:
 * starting the Pub/Sub emulator, the local cloud, the invoker and the job's first JVM costs
 * seconds. Kept in JUnit's root store, which closes it when the whole run ends (also after
 * failures).
 */
final class SharedEnvironment implements ParameterResolver {

  private static final String KEY = "runwire-local-environment";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, key -> new Resource(start()), Resource.class)
        .environment;
  }

  private static LocalEnvironment start() {
    ProjectLayout layout = ProjectLayout.locate(System.getenv());
    Path logs = layout.root().resolve("demo/target/e2e-logs");
    return LocalEnvironment.start(
        LocalEnvironment.Settings.of(layout, logs, "instant", 0), line -> {});
  }

  private record Resource(LocalEnvironment environment)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      environment.close();
    }
  }
}
