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
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.RoutersClient;
import com.google.cloud.compute.v1.RoutersSettings;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworksSettings;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.CloudRedisSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceSettings;
import com.google.longrunning.Operation;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.cloud.CloudEndpoints.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

  private final CloudEndpoints endpoints;
  private final RetrySettings polling;
  private final List<AutoCloseable> made = new ArrayList<>();

  private NetworksClient networks;
  private SubnetworksClient subnetworks;
  private RoutersClient routers;
  private AddressesClient addresses;
  private FirewallsClient firewalls;
  private GlobalOperationsClient globalOperations;
  private RegionOperationsClient regionOperations;
  private CloudRedisClient redis;
  private VpcAccessServiceClient vpcAccess;
  private ServicesClient services;
  private SecretManagerServiceClient secrets;
  private ConnectorUpdates connectorUpdates;

  public CloudClients(CloudEndpoints endpoints, WaitPolicy waits) {
    this.endpoints = endpoints;
    this.polling = pollingSettings(waits);
  }

  public synchronized NetworksClient networks() {
    if (networks == null) {
      networks =
          made(() -> NetworksClient.create(settings(Api.COMPUTE, NetworksSettings.newBuilder())));
    }
    return networks;
  }

  public synchronized SubnetworksClient subnetworks() {
    if (subnetworks == null) {
      subnetworks =
          made(
              () ->
                  SubnetworksClient.create(
                      settings(Api.COMPUTE, SubnetworksSettings.newBuilder())));
    }
    return subnetworks;
  }

  public synchronized RoutersClient routers() {
    if (routers == null) {
      routers =
          made(() -> RoutersClient.create(settings(Api.COMPUTE, RoutersSettings.newBuilder())));
    }
    return routers;
  }

  public synchronized AddressesClient addresses() {
    if (addresses == null) {
      addresses =
          made(() -> AddressesClient.create(settings(Api.COMPUTE, AddressesSettings.newBuilder())));
    }
    return addresses;
  }

  public synchronized FirewallsClient firewalls() {
    if (firewalls == null) {
      firewalls =
          made(() -> FirewallsClient.create(settings(Api.COMPUTE, FirewallsSettings.newBuilder())));
    }
    return firewalls;
  }

  /** Compute's global operations (networks, firewalls), to read why one failed. */
  public synchronized GlobalOperationsClient globalOperations() {
    if (globalOperations == null) {
      globalOperations =
          made(
              () ->
                  GlobalOperationsClient.create(
                      settings(Api.COMPUTE, GlobalOperationsSettings.newBuilder())));
    }
    return globalOperations;
  }

  /** Compute's regional operations (subnetworks, routers, addresses), to read why one failed. */
  public synchronized RegionOperationsClient regionOperations() {
    if (regionOperations == null) {
      regionOperations =
          made(
              () ->
                  RegionOperationsClient.create(
                      settings(Api.COMPUTE, RegionOperationsSettings.newBuilder())));
    }
    return regionOperations;
  }

  public synchronized CloudRedisClient redis() {
    if (redis == null) {
      redis =
          made(
              () ->
                  CloudRedisClient.create(
                      settings(Api.REDIS, CloudRedisSettings.newHttpJsonBuilder())));
    }
    return redis;
  }

  public synchronized VpcAccessServiceClient vpcAccess() {
    if (vpcAccess == null) {
      vpcAccess =
          made(
              () ->
                  VpcAccessServiceClient.create(
                      settings(Api.VPCACCESS, VpcAccessServiceSettings.newHttpJsonBuilder())));
    }
    return vpcAccess;
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

  public synchronized ServicesClient services() {
    if (services == null) {
      services =
          made(
              () ->
                  ServicesClient.create(settings(Api.RUN, ServicesSettings.newHttpJsonBuilder())));
    }
    return services;
  }

  public synchronized SecretManagerServiceClient secrets() {
    if (secrets == null) {
      secrets =
          made(
              () ->
                  SecretManagerServiceClient.create(
                      settings(
                          Api.SECRETMANAGER, SecretManagerServiceSettings.newHttpJsonBuilder())));
    }
    return secrets;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable client : made) {
      try {
        client.close();
      } catch (Exception e) {
        LOG.log(Level.FINE, "closing a client failed", e);
      }
    }
    made.clear();
  }

  private interface Factory<T> {
    T make() throws IOException;
  }

  private <T extends AutoCloseable> T made(Factory<T> factory) {
    try {
      T client = factory.make();
      made.add(client);
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
