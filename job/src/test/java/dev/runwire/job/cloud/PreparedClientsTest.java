package dev.runwire.job.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plan's clients are made off the critical path: once prepared, a step finds its client made,
 * and each client is made once whoever asks first.
 */
class PreparedClientsTest {

  private static CloudClients clients() {
    // Making a client calls nothing: no server is needed behind the endpoint.
    return new CloudClients(
        CloudEndpoints.local("http://127.0.0.1:9", null),
        WaitPolicy.of(Duration.ofMillis(20), Duration.ofSeconds(60)));
  }

  @Test
  void preparingMakesEveryClientThePlansStepsUseOnceInTheBackground() throws Exception {
    try (CloudClients clients = clients()) {
      clients
          .prepare(
              List.of(
                  StepKind.NETWORK,
                  StepKind.REDIS_INSTANCE,
                  StepKind.CLOUD_ROUTER,
                  StepKind.CLOUD_NAT,
                  StepKind.CLOUD_RUN_SERVICE))
          .get(60, TimeUnit.SECONDS);

      // networks, global operations, redis, routers, region operations, services, and for the
      // service step's secret grant to its runtime account: projects, secrets
      assertEquals(8, clients.madeCount());
      var redis = clients.redis();
      assertSame(redis, clients.redis());
      assertEquals(8, clients.madeCount(), "asking again makes nothing new");
    }
  }

  @Test
  void aClientAskedForWhilePreparingIsMadeOnce() throws Exception {
    try (CloudClients clients = clients()) {
      var preparing = clients.prepare(List.of(StepKind.REDIS_INSTANCE));
      var redis = clients.redis();
      preparing.get(60, TimeUnit.SECONDS);

      assertSame(redis, clients.redis());
      assertEquals(1, clients.madeCount());
    }
  }
}
