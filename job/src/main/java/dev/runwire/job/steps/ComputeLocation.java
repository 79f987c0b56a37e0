package dev.runwire.job.steps;

import dev.runwire.schemas.ProvisioningRequest;

/**
 * Where a step's resources live (project, region, the VPC network), built once from the request,
 * and the relative names Compute wants for its resources ({@code
 * projects/p/regions/r/subnetworks/s}).
 */
record ComputeLocation(String project, String region, String network) {

  static ComputeLocation of(ProvisioningRequest request) {
    ProvisioningRequest.Target target = request.target();
    return new ComputeLocation(target.project(), target.region(), target.network());
  }

  /** The same project and region, as the other APIs name them (Memorystore, Cloud Run, ...). */
  ApiLocation apis() {
    return new ApiLocation(project, region);
  }

  /** The location's own network. */
  String networkName() {
    return network(network);
  }

  String network(String name) {
    return "projects/" + project + "/global/networks/" + name;
  }

  String firewall(String name) {
    return "projects/" + project + "/global/firewalls/" + name;
  }

  String subnetwork(String name) {
    return regional("subnetworks", name);
  }

  String address(String name) {
    return regional("addresses", name);
  }

  String router(String name) {
    return regional("routers", name);
  }

  private String regional(String collection, String name) {
    return "projects/" + project + "/regions/" + region + "/" + collection + "/" + name;
  }
}
