package dev.runwire.job.steps;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;

import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.ProvisioningRequest.Subnet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the previous request (the service's {@code runwire.dev/last-applied}) needed and the new one
 * does not, as Terraform treats a resource that left the configuration: a connector, its subnet or
 * the Direct VPC subnet, and the NAT, router and address of a static egress IP. In the order they
 * can go (a NAT before its address and subnet, a connector before its subnet). A Redis instance is
 * never among them: it holds data, and apply carries no {@code allowDataLoss}.
 */
public final class Leftovers {

  private Leftovers() {}

  public static List<StepKind> of(ProvisioningRequest previous, ProvisioningRequest now) {
    List<StepKind> left = new ArrayList<>();
    if (previous == null || now.isScoped()) {
      return left;
    }
    boolean hadStaticIp = previous.wantsStaticEgressIp();
    boolean hasStaticIp = now.wantsStaticEgressIp();
    if (hadStaticIp
        && !(hasStaticIp
            && same(previous.names().router(), now.names().router())
            && same(previous.names().nat(), now.names().nat()))) {
      left.add(CLOUD_NAT);
    }
    if (previous.egress().mode() == EgressMode.CONNECTOR
        && !(now.egress().mode() == EgressMode.CONNECTOR
            && same(previous.egress().connector().name(), now.egress().connector().name()))) {
      left.add(VPC_CONNECTOR);
    }
    if (hadStaticIp && !(hasStaticIp && same(previous.names().address(), now.names().address()))) {
      left.add(STATIC_ADDRESS);
    }
    if (hadStaticIp && !(hasStaticIp && same(previous.names().router(), now.names().router()))) {
      left.add(CLOUD_ROUTER);
    }
    Subnet before = previous.egress().egressSubnet();
    Subnet after = now.egress().egressSubnet();
    if (before != null && (after == null || !same(before.name(), after.name()))) {
      left.add(EGRESS_SUBNET);
    }
    return left;
  }

  private static boolean same(String a, String b) {
    return Objects.equals(a, b);
  }
}
