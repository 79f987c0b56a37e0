package dev.runwire.job.steps;

import dev.runwire.job.engine.StepOutput;
import java.util.LinkedHashMap;
import java.util.Map;

/** The outputs steps pass on, one record per step that has one; names are the event's keys. */
public final class StepOutputs {

  private StepOutputs() {}

  /** Where the Redis instance listens (output only on the instance). */
  public record RedisEndpoint(String host, int port) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("redisHost", host, "redisPort", String.valueOf(port));
    }
  }

  /** The secret holding the instance's AUTH string (its name, never its value). */
  public record AuthSecret(String secret) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("redisAuthSecret", secret);
    }
  }

  public record EgressSubnet(String subnetwork) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("egressSubnet", subnetwork);
    }
  }

  public record VpcConnector(String connector) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("vpcConnector", connector);
    }
  }

  /** The reserved static address the NAT sends traffic from. */
  public record EgressIp(String address) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("egressIp", address);
    }
  }

  public record ServiceUrl(String url) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("serviceUrl", url);
    }
  }

  /** What verify proved: the Redis endpoint, and the egress IP and URL when the run had them. */
  public record VerifiedPath(RedisEndpoint redis, EgressIp egressIp, ServiceUrl serviceUrl)
      implements StepOutput {
    @Override
    public Map<String, String> fields() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("redisHost", redis.host());
      fields.put("redisPort", String.valueOf(redis.port()));
      if (egressIp != null) {
        fields.putAll(egressIp.fields());
      }
      if (serviceUrl != null) {
        fields.putAll(serviceUrl.fields());
      }
      return fields;
    }
  }

  /** The probe job runwire runs to prove the service's network path. */
  public record ProbeJob(String job) implements StepOutput {
    @Override
    public Map<String, String> fields() {
      return Map.of("probeJob", job);
    }
  }
}
