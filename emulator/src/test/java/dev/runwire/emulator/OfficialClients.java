package dev.runwire.emulator;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.StatusCode;
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
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The official Java clients, pointed at a local cloud the way runwire points them: the base URL as
 * endpoint (HttpJson transport; Compute clients are REST-only), no credentials, and operations
 * polled every 20-100 ms, since local operations finish fast and the clients' default first poll
 * waits seconds. The one place the tests build clients.
 */
public final class OfficialClients {

  /** Polls every 20-100 ms, gives up after 60 s. */
  public static final OperationTimedPollAlgorithm FAST_POLLING =
      OperationTimedPollAlgorithm.create(
          RetrySettings.newBuilder()
              .setInitialRetryDelayDuration(Duration.ofMillis(20))
              .setRetryDelayMultiplier(1.5)
              .setMaxRetryDelayDuration(Duration.ofMillis(100))
              .setInitialRpcTimeoutDuration(Duration.ZERO)
              .setRpcTimeoutMultiplier(1)
              .setMaxRpcTimeoutDuration(Duration.ZERO)
              .setTotalTimeoutDuration(Duration.ofSeconds(60))
              .build());

  /** A careful caller's retries of a read: a few quick attempts within 10 s. */
  private static RetrySettings quickRetries(int attempts) {
    return RetrySettings.newBuilder()
        .setInitialRetryDelayDuration(Duration.ofMillis(5))
        .setMaxRetryDelayDuration(Duration.ofMillis(50))
        .setRetryDelayMultiplier(2)
        .setMaxAttempts(attempts)
        .setTotalTimeoutDuration(Duration.ofSeconds(10))
        .setInitialRpcTimeoutDuration(Duration.ofSeconds(5))
        .setMaxRpcTimeoutDuration(Duration.ofSeconds(5))
        .setRpcTimeoutMultiplier(1)
        .build();
  }

  private OfficialClients() {}

  // --- Cloud Run Admin v2 ------------------------------------------------------------------------

  public static ServicesClient services(LocalCloud cloud) {
    ServicesSettings.Builder b = local(ServicesSettings.newHttpJsonBuilder(), cloud);
    pollFast(
        b.createServiceOperationSettings(),
        b.updateServiceOperationSettings(),
        b.deleteServiceOperationSettings());
    return open(() -> ServicesClient.create(b.build()));
  }

  public static JobsClient jobs(LocalCloud cloud) {
    JobsSettings.Builder b = local(JobsSettings.newHttpJsonBuilder(), cloud);
    pollFast(
        b.createJobOperationSettings(),
        b.updateJobOperationSettings(),
        b.deleteJobOperationSettings(),
        b.runJobOperationSettings());
    return open(() -> JobsClient.create(b.build()));
  }

  public static ExecutionsClient executions(LocalCloud cloud) {
    ExecutionsSettings.Builder b = local(ExecutionsSettings.newHttpJsonBuilder(), cloud);
    pollFast(b.cancelExecutionOperationSettings());
    return open(() -> ExecutionsClient.create(b.build()));
  }

  public static com.google.cloud.run.v2.TasksClient tasks(LocalCloud cloud) {
    com.google.cloud.run.v2.TasksSettings.Builder b =
        local(com.google.cloud.run.v2.TasksSettings.newHttpJsonBuilder(), cloud);
    return open(() -> com.google.cloud.run.v2.TasksClient.create(b.build()));
  }

  // --- Secret Manager v1, Memorystore for Redis v1, Serverless VPC Access v1
  // ----------------------

  public static SecretManagerServiceClient secrets(LocalCloud cloud) {
    SecretManagerServiceSettings.Builder b =
        local(SecretManagerServiceSettings.newHttpJsonBuilder(), cloud);
    return open(() -> SecretManagerServiceClient.create(b.build()));
  }

  public static CloudRedisClient redis(LocalCloud cloud) {
    return open(() -> CloudRedisClient.create(redisSettings(cloud).build()));
  }

  /** A Redis client whose getInstance retries UNAVAILABLE, the way a careful caller sets it up. */
  public static CloudRedisClient redisRetryingReads(LocalCloud cloud) {
    CloudRedisSettings.Builder b = redisSettings(cloud);
    b.getInstanceSettings()
        .setRetryableCodes(StatusCode.Code.UNAVAILABLE)
        .setRetrySettings(quickRetries(4));
    return open(() -> CloudRedisClient.create(b.build()));
  }

  private static CloudRedisSettings.Builder redisSettings(LocalCloud cloud) {
    CloudRedisSettings.Builder b = local(CloudRedisSettings.newHttpJsonBuilder(), cloud);
    pollFast(
        b.createInstanceOperationSettings(),
        b.updateInstanceOperationSettings(),
        b.deleteInstanceOperationSettings());
    return b;
  }

  public static VpcAccessServiceClient vpcAccess(LocalCloud cloud) {
    VpcAccessServiceSettings.Builder b =
        local(VpcAccessServiceSettings.newHttpJsonBuilder(), cloud);
    pollFast(b.createConnectorOperationSettings(), b.deleteConnectorOperationSettings());
    return open(() -> VpcAccessServiceClient.create(b.build()));
  }

  // --- Compute v1
  // ----------------------------------------------------------------------------------

  public static NetworksClient networks(LocalCloud cloud) {
    NetworksSettings.Builder b = local(NetworksSettings.newBuilder(), cloud);
    pollFast(b.insertOperationSettings(), b.deleteOperationSettings());
    return open(() -> NetworksClient.create(b.build()));
  }

  /**
   * A networks client whose get retries rate limiting (Compute's 403) and 503, as a careful
   * caller's does.
   */
  public static NetworksClient networksRetryingReads(LocalCloud cloud) {
    NetworksSettings.Builder b = local(NetworksSettings.newBuilder(), cloud);
    b.getSettings()
        .setRetryableCodes(StatusCode.Code.PERMISSION_DENIED, StatusCode.Code.UNAVAILABLE)
        .setRetrySettings(quickRetries(12));
    return open(() -> NetworksClient.create(b.build()));
  }

  public static SubnetworksClient subnetworks(LocalCloud cloud) {
    SubnetworksSettings.Builder b = local(SubnetworksSettings.newBuilder(), cloud);
    pollFast(b.insertOperationSettings(), b.patchOperationSettings(), b.deleteOperationSettings());
    return open(() -> SubnetworksClient.create(b.build()));
  }

  public static RoutersClient routers(LocalCloud cloud) {
    RoutersSettings.Builder b = local(RoutersSettings.newBuilder(), cloud);
    pollFast(
        b.insertOperationSettings(),
        b.patchOperationSettings(),
        b.updateOperationSettings(),
        b.deleteOperationSettings());
    return open(() -> RoutersClient.create(b.build()));
  }

  public static AddressesClient addresses(LocalCloud cloud) {
    AddressesSettings.Builder b = local(AddressesSettings.newBuilder(), cloud);
    pollFast(b.insertOperationSettings(), b.deleteOperationSettings());
    return open(() -> AddressesClient.create(b.build()));
  }

  public static FirewallsClient firewalls(LocalCloud cloud) {
    FirewallsSettings.Builder b = local(FirewallsSettings.newBuilder(), cloud);
    pollFast(
        b.insertOperationSettings(),
        b.patchOperationSettings(),
        b.updateOperationSettings(),
        b.deleteOperationSettings());
    return open(() -> FirewallsClient.create(b.build()));
  }

  public static GlobalOperationsClient globalOperations(LocalCloud cloud) {
    GlobalOperationsSettings.Builder b = local(GlobalOperationsSettings.newBuilder(), cloud);
    return open(() -> GlobalOperationsClient.create(b.build()));
  }

  public static RegionOperationsClient regionOperations(LocalCloud cloud) {
    RegionOperationsSettings.Builder b = local(RegionOperationsSettings.newBuilder(), cloud);
    return open(() -> RegionOperationsClient.create(b.build()));
  }

  // --- how every client is pointed at the cloud
  // ----------------------------------------------------

  private static <B extends ClientSettings.Builder<?, B>> B local(B settings, LocalCloud cloud) {
    return settings
        .setEndpoint(cloud.baseUrl())
        .setCredentialsProvider(NoCredentialsProvider.create());
  }

  private static void pollFast(OperationCallSettings.Builder<?, ?, ?>... operations) {
    for (OperationCallSettings.Builder<?, ?, ?> operation : operations) {
      operation.setPollingAlgorithm(FAST_POLLING);
    }
  }

  /**
   * Creating a client declares IOException (credentials); with no credentials it does not happen.
   */
  private interface ClientFactory<C> {
    C create() throws IOException;
  }

  private static <C> C open(ClientFactory<C> factory) {
    try {
      return factory.create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
