package dev.runwire.emulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.DefaultNetworks;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.SecretValues;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Direct VPC egress and connector rules against networks the Compute surface would serve. */
class RevisionChecksTest {

  /** The default network plus a custom network "vpc" with a /26 and a /27 subnet. */
  private static final Networks NETWORKS =
      new Networks() {
        private final DefaultNetworks defaults = new DefaultNetworks();

        @Override
        public boolean networkExists(String project, String network) {
          return network.equals("vpc") || defaults.networkExists(project, network);
        }

        @Override
        public Optional<Subnet> subnet(String project, String region, String name) {
          return switch (name) {
            case "egress26" -> Optional.of(new Subnet(project, region, name, "vpc", "10.8.0.0/26"));
            case "egress27" -> Optional.of(new Subnet(project, region, name, "vpc", "10.8.1.0/27"));
            default -> defaults.subnet(project, region, name);
          };
        }

        @Override
        public List<AddressRange> rangesInUse(String project, String network) {
          return List.of();
        }

        @Override
        public void reserve(String p, String n, String cidr, String owner, String purpose) {}

        @Override
        public void release(String owner) {}

        @Override
        public void reset() {}
      };

  private final RevisionChecks checks =
      new RevisionChecks(
          NETWORKS,
          name ->
              name.endsWith("/connectors/ready")
                  ? Optional.of(new Connectors.Connector(name, "vpc", true))
                  : Optional.empty(),
          SecretValues.NONE);

  private VpcAccess check(VpcAccess.Builder v) {
    return checks.vpcAccess(v.build(), "service.template.vpcAccess", "p", "us-central1");
  }

  private static VpcAccess.Builder direct(String network, String subnet) {
    return VpcAccess.newBuilder()
        .addNetworkInterfaces(
            VpcAccess.NetworkInterface.newBuilder().setNetwork(network).setSubnetwork(subnet));
  }

  @Test
  void slash26SubnetIsAcceptedAndEgressDefaultsToPrivateRanges() {
    VpcAccess ok = check(direct("vpc", "projects/p/regions/us-central1/subnetworks/egress26"));

    assertEquals(VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY, ok.getEgress());
  }

  @Test
  void subnetSmallerThanSlash26IsRefused() {
    ApiException e = assertThrows(ApiException.class, () -> check(direct("vpc", "egress27")));

    assertEquals(400, e.httpStatus());
    assertTrue(e.getMessage().contains("networkInterfaces[0].subnetwork"), e.getMessage());
    assertTrue(e.getMessage().contains("/26 or larger"), e.getMessage());
  }

  @Test
  void subnetOfAnotherNetworkOrRegionIsRefused() {
    ApiException network =
        assertThrows(ApiException.class, () -> check(direct("default", "egress26")));
    assertTrue(network.getMessage().contains("belongs to network 'vpc'"), network.getMessage());

    ApiException region =
        assertThrows(
            ApiException.class,
            () -> check(direct("vpc", "projects/p/regions/europe-west1/subnetworks/egress26")));
    assertTrue(region.getMessage().contains("europe-west1"), region.getMessage());
  }

  @Test
  void connectorMustExistAndExcludesNetworkInterfaces() {
    check(VpcAccess.newBuilder().setConnector("projects/p/locations/us-central1/connectors/ready"));
    check(VpcAccess.newBuilder().setConnector("ready"));

    ApiException missing =
        assertThrows(
            ApiException.class, () -> check(VpcAccess.newBuilder().setConnector("absent")));
    assertTrue(missing.getMessage().contains("vpcAccess.connector"), missing.getMessage());
    ApiException both =
        assertThrows(
            ApiException.class, () -> check(direct("vpc", "egress26").setConnector("ready")));
    assertTrue(both.getMessage().contains("cannot both be set"), both.getMessage());
  }
}
