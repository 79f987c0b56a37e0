package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Network;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.Optional;

/**
 * Checks that the VPC network exists. runwire never creates a network (least of all {@code
 * default}): a missing one is a clear failure that stops everything built on it.
 */
final class NetworkStep extends ResourceStep<Network, NetworkStep.Spec> {

  /** Nothing of the network is managed; it only has to exist. */
  record Spec(String name) {}

  private final Inventory inventory;
  private final ComputeLocation at;

  NetworkStep(ProvisioningRequest request, Inventory inventory) {
    this.inventory = inventory;
    this.at = ComputeLocation.of(request);
  }

  @Override
  public StepKind kind() {
    return StepKind.NETWORK;
  }

  @Override
  public String resource() {
    return Names.full("compute", at.networkName());
  }

  @Override
  protected Optional<Network> read(StepContext ctx) {
    return inventory.network(at.project(), at.network());
  }

  @Override
  protected Spec actual(Network resource) {
    return new Spec(resource.getName());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(at.network());
  }

  @Override
  protected StepFailure missing(StepContext ctx) {
    String project = at.project();
    String network = at.network();
    String fix =
        "default".equals(network)
            ? "The project has no 'default' network; create one, or name your VPC in target.network."
            : "Create it first (gcloud compute networks create "
                + network
                + " --project="
                + project
                + " --subnet-mode=custom), or name an existing VPC in target.network.";
    return new StepFailure(
        Reasons.NETWORK_NOT_FOUND,
        "network '" + network + "' not found in project " + project + ". " + fix);
  }
}
