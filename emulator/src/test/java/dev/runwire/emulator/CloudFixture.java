package dev.runwire.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local cloud for a test class: started before its first test with the class's settings, an
 * empty cloud again before each test (no resources or processes, empty request log, no faults), and
 * closed after the last test together with every client the class opened through it, also when a
 * test or the set-up fails.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CloudFixture local = new CloudFixture(b -> b.profile("instant"));
 *
 * @BeforeAll
 * static void clients() {
 *   redis = local.open(OfficialClients::redis);
 * }
 * }</pre>
 */
public final class CloudFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final UnaryOperator<LocalCloud.Builder> settings;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private LocalCloud cloud;

  public CloudFixture(UnaryOperator<LocalCloud.Builder> settings) {
    this.settings = settings;
  }

  public LocalCloud cloud() {
    return cloud;
  }

  /** A client of this cloud, closed after the class's last test. */
  public <C extends AutoCloseable> C open(Function<LocalCloud, C> client) {
    C c = client.apply(cloud);
    clients.add(c);
    return c;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cloud = settings.apply(LocalCloud.builder()).start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    cloud.reset();
    cloud.resetLog();
    cloud.faults().clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (AutoCloseable c : clients) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a client cannot fail the suite; the cloud below must still close
      }
    }
    clients.clear();
    if (cloud != null) {
      cloud.close();
    }
  }
}
