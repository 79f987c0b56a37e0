package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkPeering;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepFailure;

/**
 * Whether a network has a private services access connection, which a Memorystore instance with
 * connect mode PRIVATE_SERVICE_ACCESS needs before it can be created: it shows in {@code
 * networks.get} as the peering {@value #PEERING} (Memorystore docs, "Private services access";
 * GCP-FACTS). runwire does not make the connection (it allocates a range in the network and peers
 * it with Google's producer network, a project-wide decision); it says how.
 */
final class PrivateServicesAccess {

  static final String PEERING = "servicenetworking-googleapis-com";

  private PrivateServicesAccess() {}

  static boolean connected(Network network) {
    return network.getPeeringsList().stream()
        .map(NetworkPeering::getName)
        .anyMatch(PEERING::equals);
  }

  /** Fails with {@link Reasons#PRIVATE_SERVICES_ACCESS_MISSING} and the fix when not connected. */
  static void require(Inventory inventory, ComputeLocation at, String rangeName) {
    String project = at.project();
    String network = at.network();
    boolean connected =
        inventory.network(project, network).map(PrivateServicesAccess::connected).orElse(false);
    if (connected) {
      return;
    }
    String range = rangeName == null ? "google-managed-services-" + network : rangeName;
    throw new StepFailure(
        Reasons.PRIVATE_SERVICES_ACCESS_MISSING,
        "connect mode PRIVATE_SERVICE_ACCESS needs a private services access connection on network '"
            + network
            + "' (networks.get shows no peering "
            + PEERING
            + "). Create it once per network, then apply again: gcloud compute addresses create "
            + range
            + " --global --purpose=VPC_PEERING --prefix-length=16 --network="
            + network
            + " --project="
            + project
            + " && gcloud services vpc-peerings connect --service=servicenetworking.googleapis.com"
            + " --ranges="
            + range
            + " --network="
            + network
            + " --project="
            + project);
  }
}
