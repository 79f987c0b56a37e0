package dev.runwire.job.cloud;

import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientContext;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.compute.v1.AddressesClient;
import com.google.cloud.compute.v1.AddressesSettings;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.NetworksSettings;
import com.google.cloud.compute.v1.ProjectsClient;
import com.google.cloud.compute.v1.ProjectsSettings;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.RoutersClient;
import com.google.cloud.compute.v1.RoutersSettings;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworksSettings;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.CloudRedisSettings;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.run.v2.TasksClient;
import com.google.cloud.run.v2.TasksSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceSettings;
import com.google.longrunning.Operation;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.cloud.CloudEndpoints.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that builds the Google API clients: each on its endpoint (googleapis.com, or the
 * local cloud with no credentials, see {@link CloudEndpoints}), over REST, with long-running
 * operations polled from {@code RUNWIRE_POLL_INITIAL_DELAY} instead of the clients' defaults (which
 * wait up to a minute before the first poll) and with the clients' own retries off (see {@link
 * #settings}). Clients are made on first use, so a run only pays for the APIs it calls; {@link
 * #close()} closes every one that was made.
 */
public final class CloudClients implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CloudClients.class.getName());

  /** One call's timeout where the client's defaults give none. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Steps whose clients are made first: the usual critical path (after the network step, which
   * needs its client at once): Redis, the egress firewall rule, then the service, its secret, the
   * probe job and the verify.
   */
  private static final List<StepKind> CHAIN =
      List.of(
          StepKind.REDIS_INSTANCE,
          StepKind.FIREWALL,
          StepKind.CLOUD_RUN_SERVICE,
          StepKind.REDIS_AUTH_SECRET,
          StepKind.REDIS_AUTH_ACCESS,
          StepKind.PROBE_JOB,
          StepKind.VERIFY,
          StepKind.VPC_CONNECTOR);

  private final CloudEndpoints endpoints;
  private final RetrySettings polling;
  private final List<AutoCloseable> made = new ArrayList<>();

  private final Lazy<NetworksClient> networks =
      new Lazy<>(() -> NetworksClient.create(settings(Api.COMPUTE, NetworksSettings.newBuilder())));
  private final Lazy<SubnetworksClient> subnetworks =
      new Lazy<>(
          () -> SubnetworksClient.create(settings(Api.COMPUTE, SubnetworksSettings.newBuilder())));
  private final Lazy<RoutersClient> routers =
      new Lazy<>(() -> RoutersClient.create(settings(Api.COMPUTE, RoutersSettings.newBuilder())));
  private final Lazy<AddressesClient> addresses =
      new Lazy<>(
          () -> AddressesClient.create(settings(Api.COMPUTE, AddressesSettings.newBuilder())));
  private final Lazy<FirewallsClient> firewalls =
      new Lazy<>(
          () -> FirewallsClient.create(settings(Api.COMPUTE, FirewallsSettings.newBuilder())));
  private final Lazy<GlobalOperationsClient> globalOperations =
      new Lazy<>(
          () ->
              GlobalOperationsClient.create(
                  settings(Api.COMPUTE, GlobalOperationsSettings.newBuilder())));
  private final Lazy<RegionOperationsClient> regionOperations =
      new Lazy<>(
          () ->
              RegionOperationsClient.create(
                  settings(Api.COMPUTE, RegionOperationsSettings.newBuilder())));
  private final Lazy<CloudRedisClient> redis =
      new Lazy<>(
          () ->
              CloudRedisClient.create(
                  settings(Api.REDIS, CloudRedisSettings.newHttpJsonBuilder())));
  private final Lazy<VpcAccessServiceClient> vpcAccess =
      new Lazy<>(
          () ->
              VpcAccessServiceClient.create(
                  settings(Api.VPCACCESS, VpcAccessServiceSettings.newHttpJsonBuilder())));
  private final Lazy<ServicesClient> services =
      new Lazy<>(
          () -> ServicesClient.create(settings(Api.RUN, ServicesSettings.newHttpJsonBuilder())));
  private final Lazy<ProjectsClient> projects =
      new Lazy<>(() -> ProjectsClient.create(settings(Api.COMPUTE, ProjectsSettings.newBuilder())));
  private final Lazy<JobsClient> jobs =
      new Lazy<>(() -> JobsClient.create(settings(Api.RUN, JobsSettings.newHttpJsonBuilder())));
  private final Lazy<ExecutionsClient> executions =
      new Lazy<>(
          () ->
              ExecutionsClient.create(settings(Api.RUN, ExecutionsSettings.newHttpJsonBuilder())));
  private final Lazy<TasksClient> tasks =
      new Lazy<>(() -> TasksClient.create(settings(Api.RUN, TasksSettings.newHttpJsonBuilder())));
  private final Lazy<SecretManagerServiceClient> secrets =
      new Lazy<>(
          () ->
              SecretManagerServiceClient.create(
                  settings(Api.SECRETMANAGER, SecretManagerServiceSettings.newHttpJsonBuilder())));
  private ConnectorUpdates connectorUpdates;

  public CloudClients(CloudEndpoints endpoints, WaitPolicy waits) {
    this.endpoints = endpoints;
    this.polling = pollingSettings(waits);
  }

  public NetworksClient networks() {
    return networks.get();
  }

  public SubnetworksClient subnetworks() {
    return subnetworks.get();
  }

  public RoutersClient routers() {
    return routers.get();
  }

  public AddressesClient addresses() {
    return addresses.get();
  }

  public FirewallsClient firewalls() {
    return firewalls.get();
  }

  /** Compute's global operations (networks, firewalls), to read why one failed. */
  public GlobalOperationsClient globalOperations() {
    return globalOperations.get();
  }

  /** Compute's regional operations (subnetworks, routers, addresses), to read why one failed. */
  public RegionOperationsClient regionOperations() {
    return regionOperations.get();
  }

  public CloudRedisClient redis() {
    return redis.get();
  }

  public VpcAccessServiceClient vpcAccess() {
    return vpcAccess.get();
  }

  /**
   * The connector PATCH the VPC Access client lacks, on the same settings (endpoint, credentials,
   * one attempt) through gax's HttpJson transport.
   */
  public synchronized ConnectorUpdates connectorUpdates() {
    if (connectorUpdates == null) {
      connectorUpdates =
          made(
              () ->
                  new ConnectorUpdates(
                      ClientContext.create(
                          settings(Api.VPCACCESS, VpcAccessServiceSettings.newHttpJsonBuilder())),
                      UnaryCallSettings.<Connector, Operation>newUnaryCallSettingsBuilder()
                          .setRetryableCodes(Set.of())
                          .setRetrySettings(singleAttempt(RetrySettings.newBuilder().build()))
                          .build()));
    }
    return connectorUpdates;
  }

  public ServicesClient services() {
    return services.get();
  }

  public SecretManagerServiceClient secrets() {
    return secrets.get();
  }

  /** Compute's projects.get: the project's default compute service account. */
  public ProjectsClient projects() {
    return projects.get();
  }

  /** Cloud Run jobs (the probe job runwire manages next to each service). */
  public JobsClient jobs() {
    return jobs.get();
  }

  /** Cloud Run executions (the probe's run). */
  public ExecutionsClient executions() {
    return executions.get();
  }

  /** Cloud Run tasks: how an execution's task ended ({@code lastAttemptResult}). */
  public TasksClient tasks() {
    return tasks.get();
  }

  /**
   * Creates, on one background thread, the clients that {@code steps} use, in that order, so the
   * steps on the critical path find their client made (and its classes loaded) instead of making it
   * on the chain. A step that asks for a client while it is being made waits for that one only.
   */
  public CompletableFuture<Void> prepare(List<StepKind> steps) {
    List<StepKind> chainFirst = new ArrayList<>(steps);
    chainFirst.sort(Comparator.comparingInt(step -> CHAIN.contains(step) ? 0 : 1));
    List<Lazy<?>> wanted = new ArrayList<>();
    for (StepKind step : chainFirst) {
      for (Lazy<?> client : clientsOf(step)) {
        if (!wanted.contains(client)) {
          wanted.add(client);
        }
      }
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread preparing =
        new Thread(
            () -> {
              for (Lazy<?> client : wanted) {
                try {
                  client.get();
                } catch (RuntimeException e) {
                  // the step that needs it makes it again and reports the failure
                  LOG.log(Level.FINE, "preparing a client failed", e);
                }
              }
              done.complete(null);
            },
            "runwire-clients");
    preparing.setDaemon(true);
    preparing.start();
    return done;
  }

  /** Clients made so far (tests). */
  int madeCount() {
    synchronized (made) {
      return made.size();
    }
  }

  private List<Lazy<?>> clientsOf(StepKind step) {
    return switch (step) {
      case NETWORK -> List.of(networks, globalOperations);
      case EGRESS_SUBNET -> List.of(subnetworks, regionOperations);
      case REDIS_INSTANCE -> List.of(redis);
      case REDIS_AUTH_SECRET -> List.of(secrets);
      case REDIS_AUTH_ACCESS -> List.of(secrets, projects);
      case REDIS_CA_SECRET -> List.of(redis, secrets);
      case PROBE_JOB -> List.of(jobs, projects);
      case VERIFY -> List.of(jobs, executions, tasks);
      case VPC_CONNECTOR -> List.of(vpcAccess);
      case FIREWALL -> List.of(firewalls, globalOperations);
      case STATIC_ADDRESS -> List.of(addresses, regionOperations);
      case CLOUD_ROUTER, CLOUD_NAT -> List.of(routers, regionOperations);
      case CLOUD_RUN_SERVICE -> List.of(services, projects, secrets);
      case PRUNE -> List.of();
    };
  }

  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (made) {
      toClose = new ArrayList<>(made);
      made.clear();
    }
    for (AutoCloseable client : toClose) {
      try {
        client.close();
      } catch (Exception e) {
        LOG.log(Level.FINE, "closing a client failed", e);
      }
    }
  }

  private interface Factory<T> {
    T make() throws IOException;
  }

  /** One client, made once on first use; callers wait only for this one. */
  private final class Lazy<T extends AutoCloseable> {
    private final Factory<T> factory;
    private T client;

    Lazy(Factory<T> factory) {
      this.factory = factory;
    }

    synchronized T get() {
      if (client == null) {
        client = made(factory);
      }
      return client;
    }
  }

  private <T extends AutoCloseable> T made(Factory<T> factory) {
    try {
      T client = factory.make();
      synchronized (made) {
        made.add(client);
      }
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Google API client", e);
    }
  }

  /**
   * Endpoint and credentials from {@link CloudEndpoints}; one attempt per call on every method (the
   * job's {@code RetryPolicy} is the only retry layer, so a fault costs one retried call, not the
   * client's retries times ours); our polling on every LRO method.
   */
  private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> S settings(
      Api api, B builder) {
    endpoints.configure(api, builder);
    for (Method method : builder.getClass().getMethods()) {
      if (method.getParameterCount() != 0) {
        continue;
      }
      try {
        if (UnaryCallSettings.Builder.class.isAssignableFrom(method.getReturnType())) {
          singleAttempt((UnaryCallSettings.Builder<?, ?>) method.invoke(builder));
        } else if (method.getReturnType() == OperationCallSettings.Builder.class) {
          OperationCallSettings.Builder<?, ?, ?> operation =
              (OperationCallSettings.Builder<?, ?, ?>) method.invoke(builder);
          operation.setPollingAlgorithm(OperationTimedPollAlgorithm.create(polling));
          singleAttemptInitialCall(operation);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot configure " + method.getName(), e);
      }
    }
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No retryable codes and one attempt; the call's own timeout is kept. */
  static void singleAttempt(UnaryCallSettings.Builder<?, ?> call) {
    call.setRetryableCodes(Set.of()).setRetrySettings(singleAttempt(call.getRetrySettings()));
  }

  /** The initial call of an LRO method is built separately from its unary twin: the same rule. */
  private static <Q> void singleAttemptInitialCall(
      OperationCallSettings.Builder<Q, ?, ?> operation) {
    UnaryCallSettings<Q, OperationSnapshot> initial = operation.getInitialCallSettings();
    if (initial == null) {
      return;
    }
    UnaryCallSettings.Builder<Q, OperationSnapshot> once = initial.toBuilder();
    singleAttempt(once);
    operation.setInitialCallSettings(once.build());
  }

  static RetrySettings singleAttempt(RetrySettings current) {
    Duration timeout =
        current.getInitialRpcTimeoutDuration().isZero()
            ? CALL_TIMEOUT
            : current.getInitialRpcTimeoutDuration();
    return current.toBuilder()
        .setMaxAttempts(1)
        .setInitialRpcTimeoutDuration(timeout)
        .setMaxRpcTimeoutDuration(timeout)
        .setRpcTimeoutMultiplier(1.0)
        .setTotalTimeoutDuration(timeout)
        .build();
  }

  /**
   * How clients poll operations: first after the configured delay, then ×1.5 up to the wait
   * policy's maximum; the client gives up at the step timeout (the step's deadline also applies).
   */
  static RetrySettings pollingSettings(WaitPolicy waits) {
    return RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(waits.initialDelay())
        .setRetryDelayMultiplier(waits.multiplier())
        .setMaxRetryDelayDuration(waits.maxDelay())
        .setInitialRpcTimeoutDuration(Duration.ZERO)
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(Duration.ZERO)
        .setTotalTimeoutDuration(waits.stepTimeout())
        .build();
  }
}
