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
  private final String project;
  private final String network;

  NetworkStep(ProvisioningRequest request, Inventory inventory) {
    this.inventory = inventory;
    this.project = request.target().project();
    this.network = request.target().network();
  }

  @Override
  public StepKind kind() {
    return StepKind.NETWORK;
  }

  @Override
  public String resource() {
    return Names.full("compute", Names.network(project, network));
  }

  @Override
  protected Optional<Network> read(StepContext ctx) {
    return inventory.network(project, network);
  }

  @Override
  protected Spec actual(Network resource) {
    return new Spec(resource.getName());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(network);
  }

  @Override
  protected StepFailure missing(StepContext ctx) {
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
