package dev.runwire.emulator.network;

import com.google.cloud.compute.v1.Firewall;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The VPC firewall decision for one packet, the way Compute makes it (no hierarchical or network
 * firewall policies): of the enabled rules whose direction, target and range match the packet and
 * whose {@code allowed[]} / {@code denied[]} entries match its protocol and port, the one with the
 * lowest priority number wins, and a deny wins a tie with an allow. Every network also has the two
 * implied rules at priority 65535: allow all egress to 0.0.0.0/0 and deny all ingress. A rule of
 * the caller at 65535 therefore does not override an implied deny ingress, but an explicit deny
 * egress at 65535 does beat the implied allow. Source: "Priority order for firewall rules",
 * "Implied rules" and "Components of firewall rules" in
 * https://cloud.google.com/firewall/docs/firewalls. Pure: the caller hands in the network's rules.
 */
public final class FirewallEvaluation {

  /** The implied rules' priority, the lowest possible. */
  public static final int IMPLIED_PRIORITY = 65535;

  public static final String IMPLIED_ALLOW_EGRESS = "implied allow egress (0.0.0.0/0, 65535)";
  public static final String IMPLIED_DENY_INGRESS = "implied deny ingress (0.0.0.0/0, 65535)";

  /**
   * One packet as the firewall sees it at the instance: {@code direction} EGRESS or INGRESS; {@code
   * remoteIp} the destination of an egress packet or the source of an ingress one; the instance's
   * network tags and service account pick the rules that target it; {@code remoteTags} and {@code
   * remoteServiceAccount} are the source instance's for an ingress packet (else empty).
   */
  public record Packet(
      String direction,
      String remoteIp,
      String protocol,
      int port,
      Set<String> tags,
      String serviceAccount,
      Set<String> remoteTags,
      String remoteServiceAccount) {

    /** An egress packet from an instance with {@code tags} to {@code ip:port}. */
    public static Packet egress(
        String ip, String protocol, int port, Set<String> tags, String serviceAccount) {
      return new Packet("EGRESS", ip, protocol, port, tags, serviceAccount, Set.of(), "");
    }

    /** An ingress packet from {@code ip} (with the source's tags) to an instance. */
    public static Packet ingress(
        String ip, String protocol, int port, Set<String> tags, Set<String> sourceTags) {
      return new Packet("INGRESS", ip, protocol, port, tags, "", sourceTags, "");
    }
  }

  /** What happens to the packet and the rule that decided it. */
  public record Verdict(boolean allowed, String rule, int priority) {

    public boolean implied() {
      return rule.startsWith("implied ");
    }

    /** {@code allowed by rule allow-redis (priority 900)}. */
    public String describe() {
      return (allowed ? "allowed by " : "denied by ")
          + (implied() ? rule : "firewall rule " + rule + " (priority " + priority + ")");
    }
  }

  private record Candidate(String name, int priority, boolean allow) {}

  private FirewallEvaluation() {}

  /** The verdict of {@code rules} (the network's firewall rules, any order) on {@code packet}. */
  public static Verdict evaluate(Collection<Firewall> rules, Packet packet) {
    String direction = packet.direction().toUpperCase(Locale.ROOT);
    List<Candidate> candidates = new ArrayList<>();
    for (Firewall f : rules) {
      if (f.getDisabled() || !direction.equals(directionOf(f)) || !targets(f, packet)) {
        continue;
      }
      if (!(direction.equals("EGRESS")
          ? egressRangeMatches(f, packet)
          : sourceMatches(f, packet))) {
        continue;
      }
      boolean allow = f.getAllowedCount() > 0;
      boolean matches =
          allow
              ? f.getAllowedList().stream()
                  .anyMatch(a -> matches(a.getIPProtocol(), a.getPortsList(), packet))
              : f.getDeniedList().stream()
                  .anyMatch(d -> matches(d.getIPProtocol(), d.getPortsList(), packet));
      if (matches) {
        candidates.add(new Candidate(f.getName(), priorityOf(f), allow));
      }
    }
    candidates.add(
        direction.equals("EGRESS")
            ? new Candidate(IMPLIED_ALLOW_EGRESS, IMPLIED_PRIORITY, true)
            : new Candidate(IMPLIED_DENY_INGRESS, IMPLIED_PRIORITY, false));
    Candidate winner =
        candidates.stream()
            .min(
                Comparator.comparingInt(Candidate::priority)
                    .thenComparing(Candidate::allow)) // false (deny) sorts first: deny wins a tie
            .orElseThrow();
    return new Verdict(winner.allow(), winner.name(), winner.priority());
  }

  /** Compute's default when a rule omits them: direction INGRESS, priority 1000. */
  private static String directionOf(Firewall f) {
    return f.hasDirection() ? f.getDirection().toUpperCase(Locale.ROOT) : "INGRESS";
  }

  private static int priorityOf(Firewall f) {
    return f.hasPriority() ? f.getPriority() : 1000;
  }

  /** targetTags, else targetServiceAccounts, else every instance of the network. */
  private static boolean targets(Firewall f, Packet p) {
    if (f.getTargetTagsCount() > 0) {
      return f.getTargetTagsList().stream().anyMatch(p.tags()::contains);
    }
    if (f.getTargetServiceAccountsCount() > 0) {
      return f.getTargetServiceAccountsList().contains(p.serviceAccount());
    }
    return true;
  }

  /** An egress rule without destinationRanges applies to 0.0.0.0/0. */
  private static boolean egressRangeMatches(Firewall f, Packet p) {
    return f.getDestinationRangesCount() == 0 || inAny(f.getDestinationRangesList(), p.remoteIp());
  }

  /** Ingress sources combine with OR; none at all means 0.0.0.0/0. */
  private static boolean sourceMatches(Firewall f, Packet p) {
    boolean none =
        f.getSourceRangesCount() == 0
            && f.getSourceTagsCount() == 0
            && f.getSourceServiceAccountsCount() == 0;
    return none
        || inAny(f.getSourceRangesList(), p.remoteIp())
        || f.getSourceTagsList().stream().anyMatch(p.remoteTags()::contains)
        || (!p.remoteServiceAccount().isEmpty()
            && f.getSourceServiceAccountsList().contains(p.remoteServiceAccount()));
  }

  private static boolean inAny(List<String> ranges, String ip) {
    IPAddress address = new IPAddressString(ip).getAddress();
    if (address == null) {
      return false;
    }
    for (String r : ranges) {
      IPAddress block = new IPAddressString(r).getAddress();
      if (block != null
          && block.getIPVersion() == address.getIPVersion()
          && block.toPrefixBlock().contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code IPProtocol} is a name (tcp, udp, icmp, esp, ah, sctp, ipip, all) or an IP protocol
   * number; ports apply to tcp, udp and sctp and are single ports or ranges such as 6379-6380; no
   * ports means every port.
   */
  static boolean matches(String ipProtocol, List<String> ports, Packet p) {
    String rule = normalise(ipProtocol);
    if (!rule.equals("all") && !rule.equals(normalise(p.protocol()))) {
      return false;
    }
    if (ports.isEmpty()) {
      return true;
    }
    for (String range : ports) {
      Optional<int[]> bounds = parsePorts(range);
      if (bounds.isPresent() && p.port() >= bounds.get()[0] && p.port() <= bounds.get()[1]) {
        return true;
      }
    }
    return false;
  }

  private static String normalise(String protocol) {
    String p = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
    return switch (p) {
      case "6" -> "tcp";
      case "17" -> "udp";
      case "1" -> "icmp";
      case "132" -> "sctp";
      case "50" -> "esp";
      case "51" -> "ah";
      case "4" -> "ipip";
      default -> p;
    };
  }

  private static Optional<int[]> parsePorts(String range) {
    try {
      int dash = range.indexOf('-');
      int lo = Integer.parseInt(range.substring(0, dash < 0 ? range.length() : dash).trim());
      int hi = dash < 0 ? lo : Integer.parseInt(range.substring(dash + 1).trim());
      return Optional.of(new int[] {lo, hi});
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
