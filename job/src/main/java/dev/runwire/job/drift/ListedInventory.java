package dev.runwire.job.drift;

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
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.steps.ApiLocation;
import dev.runwire.job.steps.Inventory;
import dev.runwire.job.steps.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads every resource of a type in a region with one list call (all its pages), once, and answers
 * every target of a sweep from that: the API cost grows with pages, not with targets. Read-only
 * modes only (nothing here sees a change made after the list).
 */
public final class ListedInventory implements Inventory {

  private final CloudClients clients;
  private final RetryPolicy retry;
  private final Map<String, CompletableFuture<Map<String, Object>>> pages =
      new ConcurrentHashMap<>();

  public ListedInventory(CloudClients clients, RetryPolicy retry) {
    this.clients = clients;
    this.retry = retry;
  }

  /** The services of a region, from the same single list call {@link #service} answers from. */
  public List<Service> services(String project, String region) {
    return listed(
            "services",
            project,
            region,
            () -> listServices(new ApiLocation(project, region)),
            Service::getName)
        .values()
        .stream()
        .map(Service.class::cast)
        .toList();
  }

  @Override
  public Optional<Network> network(String project, String name) {
    return find(
        "networks",
        project,
        "global",
        () -> all(clients.networks().list(project).iterateAll()),
        Network::getName,
        name);
  }

  @Override
  public Optional<Subnetwork> subnetwork(String project, String region, String name) {
    return find(
        "subnetworks",
        project,
        region,
        () -> all(clients.subnetworks().list(project, region).iterateAll()),
        Subnetwork::getName,
        name);
  }

  @Override
  public Optional<Router> router(String project, String region, String name) {
    return find(
        "routers",
        project,
        region,
        () -> all(clients.routers().list(project, region).iterateAll()),
        Router::getName,
        name);
  }

  @Override
  public Optional<Address> address(String project, String region, String name) {
    return find(
        "addresses",
        project,
        region,
        () -> all(clients.addresses().list(project, region).iterateAll()),
        Address::getName,
        name);
  }

  @Override
  public List<Firewall> firewalls(String project) {
    return listed(
            "firewalls",
            project,
            "global",
            () -> all(clients.firewalls().list(project).iterateAll()),
            Firewall::getName)
        .values()
        .stream()
        .map(Firewall.class::cast)
        .toList();
  }

  @Override
  public Optional<Instance> redisInstance(ApiLocation at, String id) {
    return find(
        "redis",
        at.project(),
        at.region(),
        () -> all(clients.redis().listInstances(at.parent()).iterateAll()),
        (Instance i) -> Names.last(i.getName()),
        id);
  }

  @Override
  public Optional<Connector> connector(ApiLocation at, String id) {
    return find(
        "connectors",
        at.project(),
        at.region(),
        () -> all(clients.vpcAccess().listConnectors(at.parent()).iterateAll()),
        (Connector c) -> Names.last(c.getName()),
        id);
  }

  @Override
  public Optional<Service> service(ApiLocation at, String id) {
    return find(
        "services",
        at.project(),
        at.region(),
        () -> listServices(at),
        (Service s) -> Names.last(s.getName()),
        id);
  }

  @Override
  public Optional<Secret> secret(ApiLocation at, String id) {
    return find(
        "secrets",
        at.project(),
        "global",
        () -> all(clients.secrets().listSecrets(at.projectName()).iterateAll()),
        (Secret s) -> Names.last(s.getName()),
        id);
  }

  /** One projects.get per project for the whole sweep. */
  @Override
  public Optional<Project> computeProject(String project) {
    return find(
        "projects",
        project,
        "global",
        () -> List.of(clients.projects().get(project)),
        Project::getName,
        project);
  }

  private List<Service> listServices(ApiLocation at) {
    return all(clients.services().listServices(at.parent()).iterateAll());
  }

  private <T> Optional<T> find(
      String type,
      String project,
      String region,
      Supplier<List<T>> list,
      Function<T, String> nameOf,
      String name) {
    @SuppressWarnings("unchecked")
    T found = (T) listed(type, project, region, list, nameOf).get(name);
    return Optional.ofNullable(found);
  }

  /** The listing of one type in one place, made once however many threads ask at the same time. */
  private <T> Map<String, Object> listed(
      String type,
      String project,
      String region,
      Supplier<List<T>> list,
      Function<T, String> nameOf) {
    CompletableFuture<Map<String, Object>> mine = new CompletableFuture<>();
    CompletableFuture<Map<String, Object>> listing =
        pages.putIfAbsent(type + "/" + project + "/" + region, mine);
    if (listing == null) {
      try {
        Map<String, Object> byName = new ConcurrentHashMap<>();
        for (T item : retry.call(list::get)) {
          byName.put(Names.last(nameOf.apply(item)), item);
        }
        mine.complete(byName);
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
        pages.remove(type + "/" + project + "/" + region, mine);
        throw e;
      }
      listing = mine;
    }
    return listing.join();
  }

  private static <T> List<T> all(Iterable<T> items) {
    List<T> list = new ArrayList<>();
    items.forEach(list::add);
    return list;
  }
}
