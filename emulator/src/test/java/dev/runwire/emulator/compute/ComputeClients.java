package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.AddressesClient;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RoutersClient;
import com.google.cloud.compute.v1.SubnetworksClient;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.OfficialClients;

/** The official Compute clients a test uses together, opened and closed as one. */
final class ComputeClients implements AutoCloseable {

  final NetworksClient networks;
  final SubnetworksClient subnetworks;
  final RoutersClient routers;
  final AddressesClient addresses;
  final FirewallsClient firewalls;
  final GlobalOperationsClient globalOperations;
  final RegionOperationsClient regionOperations;

  ComputeClients(LocalCloud cloud) {
    networks = OfficialClients.networks(cloud);
    subnetworks = OfficialClients.subnetworks(cloud);
    routers = OfficialClients.routers(cloud);
    addresses = OfficialClients.addresses(cloud);
    firewalls = OfficialClients.firewalls(cloud);
    globalOperations = OfficialClients.globalOperations(cloud);
    regionOperations = OfficialClients.regionOperations(cloud);
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
