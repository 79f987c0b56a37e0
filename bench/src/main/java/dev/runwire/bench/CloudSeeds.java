package dev.runwire.bench;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * What exists before runwire runs, created through the official clients like any other API user:
 * the custom VPC network (runwire never creates networks) and the service that runwire wires.
 */
final class CloudSeeds implements AutoCloseable {

  private final CloudClients clients;

  CloudSeeds(String baseUrl, Duration pollDelay) {
    this.clients =
        new CloudClients(
            CloudEndpoints.local(baseUrl, null), WaitPolicy.of(pollDelay, Duration.ofMinutes(5)));
  }

  CloudClients clients() {
    return clients;
  }

  void network(String project, String name) {
    await(
        () ->
            clients
                .networks()
                .insertAsync(
                    project,
                    Network.newBuilder()
                        .setName(name)
                        .setAutoCreateSubnetworks(false)
                        .setRoutingConfig(
                            com.google.cloud.compute.v1.NetworkRoutingConfig.newBuilder()
                                .setRoutingMode("REGIONAL"))
                        .build())
                .get());
  }

  /** A deployed service that is not wired yet (the state a team hands to runwire). */
  void service(String project, String region, String name, String image) {
    Service service =
        Service.newBuilder()
            .setTemplate(
                RevisionTemplate.newBuilder().addContainers(Container.newBuilder().setImage(image)))
            .build();
    await(
        () ->
            clients
                .services()
                .createServiceAsync("projects/" + project + "/locations/" + region, service, name)
                .get());
  }

  private interface Call {
    Object run() throws InterruptedException, ExecutionException;
  }

  private static void await(Call call) {
    try {
      call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while seeding", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("seeding failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
