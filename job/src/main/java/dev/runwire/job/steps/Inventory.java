package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Project;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Service;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.vpcaccess.v1.Connector;
import java.util.List;
import java.util.Optional;

/**
 * Where steps read resources from: one GET per resource ({@link LiveInventory}, for one request),
 * or list pages read once per resource type and region and shared by every target of a sweep. Empty
 * means "does not exist".
 */
public interface Inventory {

  Optional<Network> network(String project, String name);

  Optional<Subnetwork> subnetwork(String project, String region, String name);

  Optional<Router> router(String project, String region, String name);

  Optional<Address> address(String project, String region, String name);

  /** Every VPC firewall rule of the project (rules are global; one list call). */
  List<Firewall> firewalls(String project);

  Optional<Instance> redisInstance(ApiLocation at, String id);

  Optional<Connector> connector(ApiLocation at, String id);

  Optional<Service> service(ApiLocation at, String id);

  Optional<Secret> secret(ApiLocation at, String id);

  /** Compute's view of the project (its default compute service account). */
  Optional<Project> computeProject(String project);
}
