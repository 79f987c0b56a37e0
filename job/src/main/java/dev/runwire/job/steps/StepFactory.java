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

  public StepFactory(CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
  }

  public Map<StepKind, Step> steps(Plan plan, ProvisioningRequest request) {
    Map<StepKind, Step> steps = new EnumMap<>(StepKind.class);
    for (StepKind kind : plan.order()) {
      steps.put(kind, step(kind, request));
    }
    return steps;
  }

  private Step step(StepKind kind, ProvisioningRequest request) {
    return switch (kind) {
      case NETWORK -> new NetworkStep(request, inventory);
      case EGRESS_SUBNET -> new EgressSubnetStep(request, clients, inventory);
      case REDIS_INSTANCE -> new RedisInstanceStep(request, clients, inventory);
      case REDIS_AUTH_SECRET -> new RedisAuthSecretStep(request, clients, inventory);
      case VPC_CONNECTOR -> new VpcConnectorStep(request, clients, inventory);
      case FIREWALL -> new EgressFirewallStep(request, clients, inventory);
      case STATIC_ADDRESS -> new StaticAddressStep(request, clients, inventory);
      case CLOUD_ROUTER -> new CloudRouterStep(request, clients, inventory);
      case CLOUD_NAT -> new CloudNatStep(request, clients, inventory);
      case CLOUD_RUN_SERVICE -> new CloudRunServiceStep(request, clients, inventory);
      case VERIFY -> new VerifyStep(request, clients);
    };
  }
}
