package dev.runwire.emulator;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.StatusCode;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** The official clients, pointed at a local cloud the way runwire points them. */
final class Clients {

  /** Polls every 20-100 ms, gives up after 60 s: local operations finish fast. */
  static final OperationTimedPollAlgorithm FAST_POLLING =
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

  private Clients() {}

  static ServicesClient services(LocalCloud cloud) {
    try {
      ServicesSettings.Builder b =
          ServicesSettings.newHttpJsonBuilder()
              .setEndpoint(cloud.baseUrl())
              .setCredentialsProvider(NoCredentialsProvider.create());
      b.createServiceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.updateServiceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.deleteServiceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      return ServicesClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JobsClient jobs(LocalCloud cloud) {
    try {
      JobsSettings.Builder b =
          JobsSettings.newHttpJsonBuilder()
              .setEndpoint(cloud.baseUrl())
              .setCredentialsProvider(NoCredentialsProvider.create());
      b.createJobOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.updateJobOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.deleteJobOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.runJobOperationSettings().setPollingAlgorithm(FAST_POLLING);
      return JobsClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ExecutionsClient executions(LocalCloud cloud) {
    try {
      ExecutionsSettings.Builder b =
          ExecutionsSettings.newHttpJsonBuilder()
              .setEndpoint(cloud.baseUrl())
              .setCredentialsProvider(NoCredentialsProvider.create());
      b.cancelExecutionOperationSettings().setPollingAlgorithm(FAST_POLLING);
      return ExecutionsClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SecretManagerServiceClient secrets(LocalCloud cloud) {
    try {
      return SecretManagerServiceClient.create(
          SecretManagerServiceSettings.newHttpJsonBuilder()
              .setEndpoint(cloud.baseUrl())
              .setCredentialsProvider(NoCredentialsProvider.create())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CloudRedisClient redis(LocalCloud cloud) {
    return redis(cloud, false);
  }

  /** A Redis client whose getInstance retries UNAVAILABLE, the way a careful caller sets it up. */
  static CloudRedisClient redisRetryingReads(LocalCloud cloud) {
    return redis(cloud, true);
  }

  private static CloudRedisClient redis(LocalCloud cloud, boolean retryReads) {
    try {
      CloudRedisSettings.Builder b =
          CloudRedisSettings.newHttpJsonBuilder()
              .setEndpoint(cloud.baseUrl())
              .setCredentialsProvider(NoCredentialsProvider.create());
      b.createInstanceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.updateInstanceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      b.deleteInstanceOperationSettings().setPollingAlgorithm(FAST_POLLING);
      if (retryReads) {
        b.getInstanceSettings()
            .setRetryableCodes(StatusCode.Code.UNAVAILABLE)
            .setRetrySettings(
                RetrySettings.newBuilder()
                    .setInitialRetryDelayDuration(Duration.ofMillis(10))
                    .setMaxRetryDelayDuration(Duration.ofMillis(50))
                    .setRetryDelayMultiplier(2)
                    .setMaxAttempts(4)
                    .setTotalTimeoutDuration(Duration.ofSeconds(10))
                    .setInitialRpcTimeoutDuration(Duration.ofSeconds(5))
                    .setMaxRpcTimeoutDuration(Duration.ofSeconds(5))
                    .setRpcTimeoutMultiplier(1)
                    .build());
      }
      return CloudRedisClient.create(b.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
