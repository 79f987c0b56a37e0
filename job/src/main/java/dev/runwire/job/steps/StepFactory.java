package dev.runwire.job.steps;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.EnumMap;
import java.util.Map;

/** Builds the step objects of a plan for one request. */
public final class StepFactory {

  private final CloudClients clients;
  private final Inventory inventory;
  private final ProbeImage probeImage;

  /** For the local cloud: the probe runs {@code local/runwire-job}. */
  public StepFactory(CloudClients clients, Inventory inventory) {
    this(clients, inventory, new ProbeImage.Named("local/runwire-job"));
  }

  /** {@code probeImage}: where the probe job's image comes from. */
  public StepFactory(CloudClients clients, Inventory inventory, ProbeImage probeImage) {
    this.clients = clients;
    this.inventory = inventory;
    this.probeImage = probeImage;
  }

  /** The wired service's marks for one run of {@code request}, read on first use. */
  public ServiceMarks marks(ProvisioningRequest request) {
    return new ServiceMarks(request, inventory);
  }

  public Map<StepKind, Step> steps(Plan plan, ProvisioningRequest request) {
    return steps(plan, request, marks(request));
  }

  /** The steps of one run, sharing {@code marks}. */
  public Map<StepKind, Step> steps(Plan plan, ProvisioningRequest request, ServiceMarks marks) {
    Map<StepKind, Step> steps = new EnumMap<>(StepKind.class);
    ApiLocation at = ApiLocation.of(request);
    for (StepKind kind : plan.order()) {
      steps.put(kind, step(kind, request, at, marks));
    }
    return steps;
  }

  private Step step(
      StepKind kind, ProvisioningRequest request, ApiLocation at, ServiceMarks marks) {
    return switch (kind) {
      case NETWORK -> new NetworkStep(request, inventory);
      case EGRESS_SUBNET -> new EgressSubnetStep(request, clients, inventory, marks);
      case REDIS_INSTANCE -> new RedisInstanceStep(request, at, clients, inventory);
      case REDIS_AUTH_SECRET -> new RedisAuthSecretStep(request, at, clients, inventory);
      case REDIS_AUTH_ACCESS -> new RedisAuthAccessStep(request, at, clients, inventory);
      case REDIS_CA_SECRET -> new RedisCaSecretStep(request, at, clients, inventory);
      case VPC_CONNECTOR -> new VpcConnectorStep(request, at, clients, inventory, marks);
      case FIREWALL -> new EgressFirewallStep(request, clients, inventory);
      case STATIC_ADDRESS -> new StaticAddressStep(request, clients, inventory, marks);
      case CLOUD_ROUTER -> new CloudRouterStep(request, clients, inventory, marks);
      case CLOUD_NAT -> new CloudNatStep(request, clients, inventory, marks);
      case CLOUD_RUN_SERVICE -> new CloudRunServiceStep(request, at, clients, inventory, marks);
      case PROBE_JOB -> new ProbeJobStep(request, at, clients, inventory, probeImage);
      case PRUNE ->
          new PruneStep(
              request,
              at,
              marks,
              clients,
              (k, previous) -> step(k, previous, ApiLocation.of(previous), marks));
      case VERIFY -> new VerifyStep(request, at, clients, inventory);
    };
  }
}
