package dev.runwire.emulator.compute;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallList;
import com.google.cloud.compute.v1.FirewallLogConfig;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import inet.ipaddr.IPAddressString;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * VPC firewall rules: in a network ({@code default} when none is named), INGRESS or EGRESS, one of
 * {@code allowed} or {@code denied}, valid protocols, ports and ranges. Patch is a JSON merge
 * patch.
 */
final class FirewallResources extends ComputeCollection<Firewall> {

  static final LatencyKey LATENCY = LatencyKey.of("compute.firewall", Duration.ofSeconds(8));

  private static final Set<String> PROTOCOLS =
      Set.of("tcp", "udp", "icmp", "esp", "ah", "sctp", "ipip", "all");
  private static final Set<String> WITH_PORTS = Set.of("tcp", "udp", "sctp");
  private static final Pattern PORTS = Pattern.compile("^\\d{1,5}(-\\d{1,5})?$");

  FirewallResources(CloudCore core, ComputeState state, OperationResources operations) {
    super(
        core,
        state,
        operations,
        state.firewalls,
        "firewalls",
        "compute#firewall",
        false,
        LATENCY,
        Firewall.getDefaultInstance(),
        FirewallList.getDefaultInstance());
  }

  @Override
  boolean patchable() {
    return true;
  }

  @Override
  Prepared<Firewall> prepareInsert(Scope scope, ResourceRef ref, Firewall in) {
    String reference = in.getNetwork().isEmpty() ? "default" : in.getNetwork();
    String network = referencedNetwork(ref.project(), reference).getSelfLink();
    return Prepared.ok(checked(in.toBuilder().setNetwork(network)));
  }

  @Override
  Prepared<Firewall> prepareChange(
      ResourceRef ref, Firewall current, Firewall changed, JsonObject sent) {
    requireSameNetwork(ref, current, changed, "The network of a firewall rule cannot change.");
    if (!changed.getDirection().equals(current.getDirection()) && changed.hasDirection()) {
      throw ComputeErrors.invalid(
          "resource.direction",
          changed.getDirection(),
          "The direction of a firewall rule cannot change; create a new rule.");
    }
    return Prepared.ok(checked(changed.toBuilder().setNetwork(current.getNetwork())));
  }

  private static Firewall checked(Firewall.Builder f) {
    if (!f.hasDirection()) {
      f.setDirection("INGRESS");
    }
    if (!f.hasPriority()) {
      f.setPriority(1000);
    } else if (f.getPriority() < 0 || f.getPriority() > 65535) {
      throw ComputeErrors.invalid(
          "resource.priority", Integer.toString(f.getPriority()), "Must be between 0 and 65535.");
    }
    if ((f.getAllowedCount() == 0) == (f.getDeniedCount() == 0)) {
      throw ComputeErrors.invalid(
          f.getAllowedCount() == 0 ? "resource.allowed" : "resource.denied",
          "",
          "Exactly one of 'allowed' or 'denied' must be given.");
    }
    for (int i = 0; i < f.getAllowedCount(); i++) {
      Allowed a = f.getAllowed(i);
      checkRule("resource.allowed[" + i + "]", a.getIPProtocol(), a.getPortsList());
    }
    for (int i = 0; i < f.getDeniedCount(); i++) {
      Denied d = f.getDenied(i);
      checkRule("resource.denied[" + i + "]", d.getIPProtocol(), d.getPortsList());
    }
    boolean ingress = f.getDirection().equals("INGRESS");
    if (ingress) {
      if (f.getSourceRangesCount() == 0
          && f.getSourceTagsCount() == 0
          && f.getSourceServiceAccountsCount() == 0) {
        f.addSourceRanges("0.0.0.0/0");
      }
    } else {
      if (f.getSourceTagsCount() > 0 || f.getSourceServiceAccountsCount() > 0) {
        throw ComputeErrors.invalid(
            "resource.sourceTags",
            String.join(",", f.getSourceTagsList()),
            "EGRESS rules take destinationRanges, not source tags or service accounts.");
      }
      if (f.getDestinationRangesCount() == 0) {
        f.addDestinationRanges("0.0.0.0/0");
      }
    }
    checkRanges("resource.sourceRanges", f.getSourceRangesList());
    checkRanges("resource.destinationRanges", f.getDestinationRangesList());
    if (!f.hasDisabled()) {
      f.setDisabled(false);
    }
    if (!f.hasLogConfig()) {
      f.setLogConfig(FirewallLogConfig.newBuilder().setEnable(false));
    }
    return f.build();
  }

  private static void checkRule(String field, String protocol, List<String> ports) {
    String p = protocol.toLowerCase();
    boolean number = p.matches("\\d{1,3}") && Integer.parseInt(p) <= 255;
    if (!PROTOCOLS.contains(p) && !number) {
      throw ComputeErrors.invalid(
          field + ".IPProtocol",
          protocol,
          "Use tcp, udp, icmp, esp, ah, sctp, ipip, all or a protocol number.");
    }
    if (!ports.isEmpty() && !WITH_PORTS.contains(p) && !p.equals("all")) {
      throw ComputeErrors.invalid(
          field + ".ports", ports.get(0), "Ports are only allowed for tcp, udp and sctp.");
    }
    for (String port : ports) {
      boolean valid = PORTS.matcher(port).matches();
      if (valid) {
        String[] parts = port.split("-");
        int lo = Integer.parseInt(parts[0]);
        int hi = Integer.parseInt(parts[parts.length - 1]);
        valid = lo <= hi && hi <= 65535;
      }
      if (!valid) {
        throw ComputeErrors.invalid(
            field + ".ports", port, "Use a port (22) or a range (8000-8080) within 0-65535.");
      }
    }
  }

  private static void checkRanges(String field, List<String> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      String r = ranges.get(i);
      if (new IPAddressString(r.trim()).getAddress() == null) {
        throw ComputeErrors.invalid(
            field + "[" + i + "]", r, "Not an IP range such as 10.8.0.0/28 or 0.0.0.0/0.");
      }
    }
  }
}
