package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Project;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Service;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.vpcaccess.v1.Connector;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiCall;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Reads each resource with its own GET, through the retry policy. Always fresh. */
public final class LiveInventory implements Inventory {

  private final CloudClients clients;
  private final RetryPolicy retry;

  /** projects.get per project, read once for the run (steps of one request share it). */
  private final ConcurrentMap<String, Optional<Project>> computeProjects =
      new ConcurrentHashMap<>();

  public LiveInventory(CloudClients clients, RetryPolicy retry) {
    this.clients = clients;
    this.retry = retry;
  }

  @Override
  public Optional<Network> network(String project, String name) {
    return get(() -> clients.networks().get(project, name));
  }

  @Override
  public Optional<Subnetwork> subnetwork(String project, String region, String name) {
    return get(() -> clients.subnetworks().get(project, region, name));
  }

  @Override
  public Optional<Router> router(String project, String region, String name) {
    return get(() -> clients.routers().get(project, region, name));
  }

  @Override
  public Optional<Address> address(String project, String region, String name) {
    return get(() -> clients.addresses().get(project, region, name));
  }

  @Override
  public List<Firewall> firewalls(String project) {
    return retry.call(
        () -> {
          List<Firewall> all = new ArrayList<>();
          clients.firewalls().list(project).iterateAll().forEach(all::add);
          return all;
        });
  }

  @Override
  public Optional<Instance> redisInstance(ApiLocation at, String id) {
    return get(() -> clients.redis().getInstance(at.redisInstance(id)));
  }

  @Override
  public Optional<Connector> connector(ApiLocation at, String id) {
    return get(() -> clients.vpcAccess().getConnector(at.connector(id)));
  }

  @Override
  public Optional<Service> service(ApiLocation at, String id) {
    return get(() -> clients.services().getService(at.service(id)));
  }

  @Override
  public Optional<Secret> secret(ApiLocation at, String id) {
    return get(() -> clients.secrets().getSecret(at.secret(id)));
  }

  @Override
  public Optional<Project> computeProject(String project) {
    return computeProjects.computeIfAbsent(project, p -> get(() -> clients.projects().get(p)));
  }

  private <T> Optional<T> get(ApiCall<T> call) {
    try {
      return Optional.of(retry.call(call));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
