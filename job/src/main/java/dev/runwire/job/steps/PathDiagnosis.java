package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkPeering;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.probe.ProbeResult;
import dev.runwire.schemas.ProvisioningRequest;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why the probe could not reach Redis, and the fix, read from the configuration Google's network
 * decides with: the probe's (= the service's) {@code vpcAccess}, the instance's {@code
 * authorizedNetwork}, connect mode and range, the network's peerings and EGRESS firewall rules. The
 * probe's exit code says what failed (network, AUTH, TLS); this says why.
 */
final class PathDiagnosis {

  /** A named cause (for events and tests) and the sentence with the fix. */
  record Diagnosis(Cause cause, String explanation) {
    String describe() {
      return cause.name() + ": " + explanation;
    }
  }

  enum Cause {
    NO_VPC_EGRESS,
    WRONG_NETWORK,
    EGRESS_ROUTE,
    NO_PRIVATE_SERVICE_ACCESS,
    EGRESS_DENIED,
    AUTH,
    TLS,
    UNKNOWN
  }

  static final String PSA_PEERING = "servicenetworking-googleapis-com";
  private static final List<String> RFC_1918 =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");

  private final ProvisioningRequest request;
  private final CloudClients clients;
  private final Inventory inventory;

  PathDiagnosis(ProvisioningRequest request, CloudClients clients, Inventory inventory) {
    this.request = request;
    this.clients = clients;
    this.inventory = inventory;
  }

  Diagnosis explain(ProbeResult result, VpcAccess vpc, Instance instance, StepContext ctx) {
    switch (result) {
      case AUTH:
        return new Diagnosis(
            Cause.AUTH,
            "the network path works but Redis refused the AUTH string the service gets (secret "
                + request.names().authSecret()
                + ", version latest): run apply so the secret holds the instance's current AUTH"
                + " string, and keep authEnabled in the request as it is on the instance");
      case TLS:
        return new Diagnosis(
            Cause.TLS,
            "the network path works but TLS failed: the instance's transitEncryptionMode is "
                + instance.getTransitEncryptionMode()
                + "; the service needs TLS on port 6378 trusting the instance's serverCaCerts"
                + " (REDIS_CA_CERT from secret "
                + RedisCaSecretStep.secretId(request)
                + "), which apply wires when redis.transitEncryption is SERVER_AUTHENTICATION");
      default:
        break;
    }
    if (!result.isNetwork()) {
      return new Diagnosis(Cause.UNKNOWN, result.meaning());
    }
    return network(vpc, instance, ctx)
        .orElseGet(
            () ->
                new Diagnosis(
                    Cause.UNKNOWN,
                    "vpcAccess, egress route, private services access and EGRESS firewall rules"
                        + " look right; "
                        + (ServiceWiring.tls(request)
                            ? "with TLS on, check the client speaks TLS; "
                            : "")
                        + "check the instance is READY and the network's routes"));
  }

  private Optional<Diagnosis> network(VpcAccess vpc, Instance instance, StepContext ctx) {
    String project = request.target().project();
    String instanceNet = Names.last(instance.getAuthorizedNetwork());
    if (vpc.getConnector().isEmpty() && vpc.getNetworkInterfacesCount() == 0) {
      return Optional.of(
          new Diagnosis(
              Cause.NO_VPC_EGRESS,
              "the service has no VPC egress (no connector, no Direct VPC networkInterfaces), so"
                  + " the instance's private address in network "
                  + instanceNet
                  + " is not routable from it; apply gives it egress into that network"));
    }
    Set<String> tags = new LinkedHashSet<>();
    String via;
    String network;
    if (!vpc.getConnector().isEmpty()) {
      String[] c = vpc.getConnector().split("/");
      via = "connector " + vpc.getConnector();
      network =
          inventory
              .connector(new ApiLocation(c[1], c[3]), c[5])
              .map(x -> Names.last(x.getNetwork()))
              .orElse("(connector not found)");
      tags.add("vpc-connector");
      tags.add("vpc-connector-" + c[3] + "-" + c[5]);
    } else {
      VpcAccess.NetworkInterface ni = vpc.getNetworkInterfaces(0);
      via = "Direct VPC egress on subnetwork " + ni.getSubnetwork();
      network =
          ni.getSubnetwork().isEmpty()
              ? Names.last(ni.getNetwork())
              : inventory
                  .subnetwork(project, request.target().region(), Names.last(ni.getSubnetwork()))
                  .map(s -> Names.last(s.getNetwork()))
                  .orElse(Names.last(ni.getNetwork()));
      tags.addAll(ni.getTagsList());
    }
    if (!network.equals(instanceNet)) {
      return Optional.of(
          new Diagnosis(
              Cause.WRONG_NETWORK,
              via
                  + " is in network "
                  + network
                  + ", but the instance is reachable only from its authorizedNetwork "
                  + instanceNet
                  + " (VPC peering is not transitive): egress into "
                  + instanceNet
                  + " instead"));
    }
    String address = googleAddress(instance);
    if (vpc.getEgress() != VpcAccess.VpcEgress.ALL_TRAFFIC && !inAny(RFC_1918, address)) {
      return Optional.of(
          new Diagnosis(
              Cause.EGRESS_ROUTE,
              "egress PRIVATE_RANGES_ONLY sends only RFC 1918 destinations through "
                  + via
                  + "; the instance's range "
                  + instance.getReservedIpRange()
                  + " is outside them: set egress.route to all-traffic"));
    }
    if (instance.getConnectMode() == Instance.ConnectMode.PRIVATE_SERVICE_ACCESS) {
      boolean peered =
          inventory
              .network(project, instanceNet)
              .map(Network::getPeeringsList)
              .orElse(List.of())
              .stream()
              .map(NetworkPeering::getName)
              .anyMatch(PSA_PEERING::equals);
      if (!peered) {
        return Optional.of(
            new Diagnosis(
                Cause.NO_PRIVATE_SERVICE_ACCESS,
                "network "
                    + instanceNet
                    + " has lost its private services access connection (peering "
                    + PSA_PEERING
                    + "): reconnect it with gcloud services vpc-peerings connect"
                    + " --service=servicenetworking.googleapis.com --network="
                    + instanceNet));
      }
    }
    int port = request.redis().expectedPort();
    return egressDeny(project, instanceNet, address, port, tags, ctx)
        .map(
            rule ->
                new Diagnosis(
                    Cause.EGRESS_DENIED,
                    "EGRESS firewall rule "
                        + rule.getName()
                        + " (priority "
                        + rule.getPriority()
                        + ") of network "
                        + instanceNet
                        + " denies "
                        + address
                        + ":"
                        + port
                        + " from "
                        + via
                        + " (tags "
                        + tags
                        + "): add an EGRESS allow for the instance's range and port with a"
                        + " higher priority (a lower number) for these tags"));
  }

  /**
   * The rule Compute applies to this egress packet when it is a deny: of the enabled EGRESS rules
   * whose destination, protocol, port and targets match, the highest priority (lowest number) wins,
   * and a deny wins a tie (VPC firewall rules docs, "Priority").
   */
  private Optional<Firewall> egressDeny(
      String project, String network, String address, int port, Set<String> tags, StepContext ctx) {
    List<Firewall> matching = new ArrayList<>();
    ctx.call(() -> clients.firewalls().list(project))
        .iterateAll()
        .forEach(
            f -> {
              if (Names.last(f.getNetwork()).equals(network)
                  && "EGRESS".equals(f.getDirection())
                  && !f.getDisabled()
                  && targets(f, tags)
                  && inAny(f.getDestinationRangesList(), address)
                  && protocols(f, port)) {
                matching.add(f);
              }
            });
    return matching.stream()
        .min(
            Comparator.comparingInt(Firewall::getPriority)
                .thenComparing(f -> f.getDeniedCount() > 0 ? 0 : 1))
        .filter(f -> f.getDeniedCount() > 0);
  }

  private static boolean targets(Firewall f, Set<String> tags) {
    if (f.getTargetTagsCount() == 0) {
      return f.getTargetServiceAccountsCount() == 0;
    }
    return f.getTargetTagsList().stream().anyMatch(tags::contains);
  }

  private static boolean protocols(Firewall f, int port) {
    List<String[]> rules = new ArrayList<>();
    for (Allowed a : f.getAllowedList()) {
      rules.add(new String[] {a.getIPProtocol(), String.join(",", a.getPortsList())});
    }
    for (Denied d : f.getDeniedList()) {
      rules.add(new String[] {d.getIPProtocol(), String.join(",", d.getPortsList())});
    }
    for (String[] r : rules) {
      if (!(r[0].equals("all") || r[0].equals("tcp") || r[0].equals("6"))) {
        continue;
      }
      if (r[1].isEmpty()) {
        return true;
      }
      for (String p : r[1].split(",")) {
        String[] range = p.split("-");
        int lo = Integer.parseInt(range[0]);
        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
        if (port >= lo && port <= hi) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The instance's address as Google's network sees it: {@code host} when it lies in the reserved
   * range (always on Google Cloud), else an address inside the range (the local cloud serves the
   * instance on loopback).
   */
  static String googleAddress(Instance instance) {
    IPAddress range = new IPAddressString(instance.getReservedIpRange()).getAddress();
    IPAddress host = new IPAddressString(instance.getHost()).getAddress();
    if (range == null || range.getNetworkPrefixLength() == null) {
      return instance.getHost();
    }
    if (host != null && range.toPrefixBlock().contains(host)) {
      return instance.getHost();
    }
    IPAddress block = range.toPrefixBlock();
    long size = block.getCount().longValue();
    return block.getLower().increment(size > 4 ? 3 : 0).withoutPrefixLength().toCanonicalString();
  }

  private static boolean inAny(List<String> ranges, String ip) {
    IPAddress a = new IPAddressString(ip).getAddress();
    return a != null
        && ranges.stream()
            .map(r -> new IPAddressString(r).getAddress())
            .anyMatch(r -> r != null && r.toPrefixBlock().contains(a));
  }
}
