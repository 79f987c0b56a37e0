package dev.runwire.emulator.compute;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
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
import dev.runwire.emulator.LocalCloud;
import java.io.IOException;
import java.time.Duration;

/**
 * The official Compute clients pointed at a local cloud the way runwire points them: the base URL
 * as endpoint, no credentials, operations polled every 20-100 ms.
 */
final class ComputeClients implements AutoCloseable {

  static final OperationTimedPollAlgorithm FAST_POLLING =
      OperationTimedPollAlgorithm.create(
          RetrySettings.newBuilder()
              .setInitialRetryDelayDuration(Duration.ofMillis(20))
              .setRetryDelayMultiplier(1.5)
              .setMaxRetryDelayDuration(Duration.ofMillis(100))
              .setInitialRpcTimeoutDuration(Duration.ZERO)
              .setRpcTimeoutMultiplier(1)
              .setMaxRpcTimeoutDuration(Duration.ZERO)
              .setTotalTimeoutDuration(Duration.ofSeconds(30))
              .build());

  final NetworksClient networks;
  final SubnetworksClient subnetworks;
  final RoutersClient routers;
  final AddressesClient addresses;
  final FirewallsClient firewalls;
  final GlobalOperationsClient globalOperations;
  final RegionOperationsClient regionOperations;

  ComputeClients(LocalCloud cloud) throws IOException {
    String endpoint = cloud.baseUrl();
    var creds = NoCredentialsProvider.create();

    NetworksSettings.Builder n =
        NetworksSettings.newBuilder().setEndpoint(endpoint).setCredentialsProvider(creds);
    n.insertOperationSettings().setPollingAlgorithm(FAST_POLLING);
    n.deleteOperationSettings().setPollingAlgorithm(FAST_POLLING);
    networks = NetworksClient.create(n.build());

    SubnetworksSettings.Builder s =
        SubnetworksSettings.newBuilder().setEndpoint(endpoint).setCredentialsProvider(creds);
    s.insertOperationSettings().setPollingAlgorithm(FAST_POLLING);
    s.patchOperationSettings().setPollingAlgorithm(FAST_POLLING);
    s.deleteOperationSettings().setPollingAlgorithm(FAST_POLLING);
    subnetworks = SubnetworksClient.create(s.build());

    RoutersSettings.Builder r =
        RoutersSettings.newBuilder().setEndpoint(endpoint).setCredentialsProvider(creds);
    r.insertOperationSettings().setPollingAlgorithm(FAST_POLLING);
    r.patchOperationSettings().setPollingAlgorithm(FAST_POLLING);
    r.updateOperationSettings().setPollingAlgorithm(FAST_POLLING);
    r.deleteOperationSettings().setPollingAlgorithm(FAST_POLLING);
    routers = RoutersClient.create(r.build());

    AddressesSettings.Builder a =
        AddressesSettings.newBuilder().setEndpoint(endpoint).setCredentialsProvider(creds);
    a.insertOperationSettings().setPollingAlgorithm(FAST_POLLING);
    a.deleteOperationSettings().setPollingAlgorithm(FAST_POLLING);
    addresses = AddressesClient.create(a.build());

    FirewallsSettings.Builder f =
        FirewallsSettings.newBuilder().setEndpoint(endpoint).setCredentialsProvider(creds);
    f.insertOperationSettings().setPollingAlgorithm(FAST_POLLING);
    f.patchOperationSettings().setPollingAlgorithm(FAST_POLLING);
    f.updateOperationSettings().setPollingAlgorithm(FAST_POLLING);
    f.deleteOperationSettings().setPollingAlgorithm(FAST_POLLING);
    firewalls = FirewallsClient.create(f.build());

    globalOperations =
        GlobalOperationsClient.create(
            GlobalOperationsSettings.newBuilder()
                .setEndpoint(endpoint)
                .setCredentialsProvider(creds)
                .build());
    regionOperations =
        RegionOperationsClient.create(
            RegionOperationsSettings.newBuilder()
                .setEndpoint(endpoint)
                .setCredentialsProvider(creds)
                .build());
  }

  /**
   * A networks client whose get retries rate limiting (403) and 503, as a careful caller's does.
   */
  static NetworksClient networksRetryingReads(LocalCloud cloud) throws IOException {
    NetworksSettings.Builder n =
        NetworksSettings.newBuilder()
            .setEndpoint(cloud.baseUrl())
            .setCredentialsProvider(NoCredentialsProvider.create());
    n.getSettings()
        .setRetryableCodes(StatusCode.Code.PERMISSION_DENIED, StatusCode.Code.UNAVAILABLE)
        .setRetrySettings(
            RetrySettings.newBuilder()
                .setInitialRetryDelayDuration(Duration.ofMillis(5))
                .setMaxRetryDelayDuration(Duration.ofMillis(20))
                .setRetryDelayMultiplier(2)
                .setMaxAttempts(12)
                .setTotalTimeoutDuration(Duration.ofSeconds(10))
                .setInitialRpcTimeoutDuration(Duration.ofSeconds(5))
                .setMaxRpcTimeoutDuration(Duration.ofSeconds(5))
                .setRpcTimeoutMultiplier(1)
                .build());
    return NetworksClient.create(n.build());
  }

  /** The JSON error body the REST transport keeps in the cause chain. */
  static String errorBody(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpResponseException h) {
        return h.getContent();
      }
    }
    throw new AssertionError("no HTTP error body in " + t, t);
  }

  @Override
  public void close() {
    networks.close();
    subnetworks.close();
    routers.close();
    addresses.close();
    firewalls.close();
    globalOperations.close();
    regionOperations.close();
  }
}
