package dev.runwire.emulator.network;

import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.NetworkLog;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Workloads;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Would Google's network carry this connection? Decides, per connection to a Redis instance's front
 * port, whether the connecting workload reaches the instance the way it would on Google Cloud:
 *
 * <ol>
 *   <li>the workload has VPC egress (a Serverless VPC Access connector or Direct VPC {@code
 *       networkInterfaces}) into the instance's {@code authorizedNetwork}; VPC peering is not
 *       transitive, so any other network cannot reach it;
 *   <li>its egress setting sends the instance's address through the VPC: {@code ALL_TRAFFIC}
 *       always, {@code PRIVATE_RANGES_ONLY} only for RFC 1918 destinations;
 *   <li>for {@code PRIVATE_SERVICE_ACCESS}, the network has the private services access connection
 *       (the peering {@code servicenetworking-googleapis-com});
 *   <li>no EGRESS firewall rule of the network denies it ({@link FirewallEvaluation}), with the
 *       workload's network tags: Direct VPC {@code networkInterfaces.tags}, or a connector's {@code
 *       vpc-connector} and {@code vpc-connector-REGION-NAME}.
 * </ol>
 *
 * AUTH and TLS are the server's own business (redis-server checks them). A process the local cloud
 * did not start (a test, redis-cli) is "on the network" and always passes.
 *
 * <p>The instance's address on Google is inside its reserved range (e.g. 10.0.0.3 for 10.0.0.0/29);
 * locally a client connects to {@code host} 127.0.0.1 and the front {@code port}. The decision uses
 * the Google-side address and port (6379, or 6378 with TLS) for the egress setting and firewall.
 */
public final class Reachability {

  /**
   * How long a blocked connection hangs before it is reset: on Google a dropped SYN leaves the
   * client waiting for its own connect timeout. The {@code instant} profile resets at once.
   */
  public static final LatencyKey BLOCKED_HOLD =
      LatencyKey.of("network.blocked", Duration.ofSeconds(60));

  /** The Redis instance a connection is for, as the network sees it. */
  public record Target(
      String instance,
      String authorizedNetwork,
      boolean privateServiceAccess,
      String address,
      int port) {}

  /** Allowed or not, and why. */
  public record Verdict(boolean allowed, String reason) {}

  static final String PSA_PEERING = "servicenetworking-googleapis-com";
  private static final Logger LOG = Logger.getLogger(Reachability.class.getName());
  private static final Pattern NETWORK =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?(?:projects/([^/]+)/)?global/networks/([^/]+)$");
  private static final Pattern SUBNET =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?(?:projects/([^/]+)/)?regions/([^/]+)/subnetworks/([^/]+)$");
  private static final Pattern CONNECTOR =
      Pattern.compile("^projects/([^/]+)/locations/([^/]+)/connectors/([^/]+)$");
  private static final List<String> RFC_1918 =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");

  private final CloudCore core;
  private final Networks networks;
  private final Connectors connectors;
  private final boolean identifiable;

  public Reachability(CloudCore core, Networks networks, Connectors connectors) {
    this.core = core;
    this.networks = networks;
    this.connectors = connectors;
    this.identifiable = WorkloadIdentity.supported();
    if (!identifiable) {
      LOG.warning(
          "This platform has no /proc/net/tcp, so the local cloud cannot tell which process opens a"
              + " connection to a Redis instance: every connection is allowed, whatever the"
              + " workload's vpcAccess, egress and firewall rules say (Linux enforces them)");
    }
  }

  /** Whether connections can be attributed to workloads here (Linux). */
  public boolean enforced() {
    return identifiable;
  }

  /** How long a blocked connection hangs before its reset, by the latency profile. */
  public Duration blockedHold() {
    return core.duration(BLOCKED_HOLD);
  }

  /**
   * The decision for the connection from local port {@code clientPort} to the front on {@code
   * frontPort}, recorded in the network log. Called without the state lock.
   */
  public Verdict admit(Target target, int clientPort, int frontPort) {
    String who = "a process the local cloud did not start";
    Verdict verdict;
    if (!identifiable) {
      verdict = new Verdict(true, "the peer cannot be identified on this platform");
    } else {
      Optional<WorkloadIdentity.Owner> owner = Optional.empty();
      try {
        owner = core.identity().ownerOf(clientPort, frontPort);
      } catch (IOException e) {
        LOG.warning("could not read the socket table: " + e.getMessage());
      }
      Optional<Workloads.Workload> workload = owner.map(WorkloadIdentity.Owner::workload);
      if (workload.isEmpty()) {
        verdict = new Verdict(true, "not a Cloud Run workload of the local cloud: on the network");
      } else {
        who = workload.get().describe() + " (pid " + owner.get().pid() + ")";
        verdict = core.locked(() -> decide(workload.get(), target));
      }
    }
    core.networkLog()
        .record(
            new NetworkLog.Decision(
                Instant.now(), who, target.instance(), verdict.allowed(), verdict.reason()));
    return verdict;
  }

  /** The decision for {@code w} reaching {@code t} (state lock held). */
  public Verdict decide(Workloads.Workload w, Target t) {
    VpcAccess v = w.vpcAccess();
    String instanceNet = canonicalNetwork(t.authorizedNetwork(), w.project());
    String to = t.address() + ":" + t.port();
    if (v.getConnector().isEmpty() && v.getNetworkInterfacesCount() == 0) {
      return blocked(
          "no VPC egress: the "
              + w.kind()
              + " has no vpcAccess (connector or Direct VPC networkInterfaces), so "
              + to
              + " in "
              + instanceNet
              + " is not routable from it; give it egress into that network");
    }
    String via;
    String network;
    Set<String> tags = new LinkedHashSet<>();
    if (!v.getConnector().isEmpty()) {
      Matcher m = CONNECTOR.matcher(v.getConnector());
      Optional<Connectors.Connector> c = connectors.find(v.getConnector());
      if (!m.matches() || c.isEmpty()) {
        return blocked("connector " + v.getConnector() + " does not exist any more");
      }
      via = "connector " + v.getConnector();
      network = canonicalNetwork(c.get().network(), m.group(1));
      // The connector's instances carry these network tags (Serverless VPC Access docs).
      tags.add("vpc-connector");
      tags.add("vpc-connector-" + m.group(2) + "-" + m.group(3));
    } else {
      VpcAccess.NetworkInterface ni = v.getNetworkInterfaces(0);
      Optional<String> resolved = directVpcNetwork(ni, w.project(), w.region());
      if (resolved.isEmpty()) {
        return blocked("Direct VPC subnetwork " + ni.getSubnetwork() + " does not exist any more");
      }
      via =
          "Direct VPC egress"
              + (ni.getSubnetwork().isEmpty() ? "" : " on subnetwork " + ni.getSubnetwork());
      network = resolved.get();
      tags.addAll(ni.getTagsList());
    }
    if (!network.equals(instanceNet)) {
      return blocked(
          via
              + " is in "
              + network
              + ", but "
              + t.instance()
              + " is reachable only from its authorizedNetwork "
              + instanceNet
              + " (VPC peering is not transitive)");
    }
    boolean allTraffic = v.getEgress() == VpcAccess.VpcEgress.ALL_TRAFFIC;
    if (!allTraffic && !inAny(RFC_1918, t.address())) {
      return blocked(
          "egress PRIVATE_RANGES_ONLY sends only RFC 1918 destinations through "
              + via
              + "; "
              + t.address()
              + " is outside them, so the packet took the internet path; use ALL_TRAFFIC");
    }
    String[] net = instanceNet.split("/");
    if (t.privateServiceAccess() && !networks.peeringNames(net[1], net[4]).contains(PSA_PEERING)) {
      return blocked(
          instanceNet
              + " has no private services access connection (peering "
              + PSA_PEERING
              + "); create it with gcloud services vpc-peerings connect");
    }
    FirewallEvaluation.Verdict fw =
        FirewallEvaluation.evaluate(
            networks.firewalls(net[1], net[4]),
            FirewallEvaluation.Packet.egress(
                t.address(), "tcp", t.port(), tags, w.serviceAccount()));
    if (!fw.allowed()) {
      return blocked(
          "egress to "
              + to
              + " from "
              + via
              + " (tags "
              + tags
              + ") "
              + fw.describe()
              + " of "
              + instanceNet);
    }
    return new Verdict(
        true,
        via
            + " in "
            + instanceNet
            + ", egress "
            + (allTraffic ? "ALL_TRAFFIC" : "PRIVATE_RANGES_ONLY")
            + ", "
            + fw.describe());
  }

  private Optional<String> directVpcNetwork(
      VpcAccess.NetworkInterface ni, String project, String region) {
    if (!ni.getSubnetwork().isEmpty()) {
      Matcher m = SUBNET.matcher(ni.getSubnetwork());
      String p = project;
      String r = region;
      String name = ni.getSubnetwork();
      if (m.matches()) {
        p = m.group(1) == null ? project : m.group(1);
        r = m.group(2);
        name = m.group(3);
      }
      String netProject = p;
      return networks
          .subnet(p, r, name)
          .map(s -> "projects/" + netProject + "/global/networks/" + s.network());
    }
    if (!ni.getNetwork().isEmpty()) {
      // Cloud Run picks the subnetwork named like the network in the region.
      return Optional.of(canonicalNetwork(ni.getNetwork(), project));
    }
    return Optional.empty();
  }

  /** {@code projects/P/global/networks/N} from a name, a relative name or a self link. */
  static String canonicalNetwork(String network, String project) {
    Matcher m = NETWORK.matcher(network);
    if (m.matches()) {
      return "projects/"
          + (m.group(1) == null ? project : m.group(1))
          + "/global/networks/"
          + m.group(2);
    }
    return "projects/" + project + "/global/networks/" + network;
  }

  /**
   * The instance's address inside its reserved range on Google (the range's 3rd address, as
   * Memorystore hands out e.g. 10.0.0.3 for 10.0.0.0/29); a private placeholder when the range is
   * only a name (private services access allocations).
   */
  public static String addressIn(String reservedIpRange) {
    IPAddress block = new IPAddressString(reservedIpRange).getAddress();
    if (block == null || block.getNetworkPrefixLength() == null) {
      return "10.0.0.3";
    }
    IPAddress first = block.toPrefixBlock().getLower();
    long size = block.toPrefixBlock().getCount().longValue();
    return first.increment(size > 4 ? 3 : 0).withoutPrefixLength().toCanonicalString();
  }

  private static boolean inAny(List<String> ranges, String ip) {
    IPAddress a = new IPAddressString(ip).getAddress();
    return a != null
        && ranges.stream().anyMatch(r -> new IPAddressString(r).getAddress().contains(a));
  }

  private static Verdict blocked(String why) {
    return new Verdict(false, why);
  }
}
