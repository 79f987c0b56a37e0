package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Firewall;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a network's VPC firewall rules let a workload's egress reach the Redis range and port,
 * evaluated the way Compute does: enabled EGRESS rules that apply to the workload (no targets, or a
 * target tag it carries), lowest priority number first, a deny before an allow at the same
 * priority, the implied allow-egress (65535) last. Memorystore is reached over peering, so the
 * traffic is egress from the workload's network (GCP-FACTS, Firewall); only an EGRESS deny can
 * block it, and the fix is the narrowest allow one priority above that deny, for the workload's
 * tags.
 *
 * <p>A rule that targets service accounts is taken to apply when it denies and not to help when it
 * allows (runwire cannot tell a workload's account from its network path). Hierarchical and network
 * firewall policies are not evaluated.
 */
final class EgressRules {

  /** Compute's priority when a rule gives none. */
  static final int DEFAULT_PRIORITY = 1000;

  /** What the rules decide for the workload's traffic to Redis. */
  sealed interface Verdict {}

  /** Nothing blocks it (an allow decides first, or the implied allow-egress). */
  record Open(String decidedBy) implements Verdict {}

  /** {@code deny} blocks it; an allow at {@code allowPriority} would win, or none can (-1). */
  record Blocked(String deny, int denyPriority, int allowPriority) implements Verdict {}

  private EgressRules() {}

  /**
   * @param rules the network's VPC firewall rules (other networks' are the caller's to leave out)
   * @param workloadTags the network tags the workload's egress carries
   * @param redisRange the Redis instance's range (CIDR)
   * @param port the Redis port
   */
  static Verdict evaluate(
      Collection<Firewall> rules, Set<String> workloadTags, String redisRange, int port) {
    IPAddress redis = block(redisRange).orElseThrow(() -> new IllegalArgumentException(redisRange));
    List<Firewall> ordered =
        rules.stream()
            .filter(r -> !r.getDisabled())
            .filter(r -> "EGRESS".equals(r.getDirection()))
            .sorted(
                Comparator.comparingInt(EgressRules::priority)
                    .thenComparing(r -> r.getDeniedCount() > 0 ? 0 : 1))
            .toList();
    for (Firewall rule : ordered) {
      boolean deny = rule.getDeniedCount() > 0;
      if (deny
          && appliesTo(rule, workloadTags, true)
          && destinations(rule).stream().anyMatch(d -> d.overlaps(redis))
          && rule.getDeniedList().stream()
              .anyMatch(d -> matches(d.getIPProtocol(), d.getPortsList(), port))) {
        int p = priority(rule);
        return new Blocked(rule.getName(), p, p == 0 ? -1 : p - 1);
      }
      if (!deny
          && appliesTo(rule, workloadTags, false)
          && destinations(rule).stream().anyMatch(d -> d.contains(redis))
          && rule.getAllowedList().stream()
              .anyMatch(a -> matches(a.getIPProtocol(), a.getPortsList(), port))) {
        return new Open(rule.getName());
      }
    }
    return new Open("the implied allow-egress rule");
  }

  static int priority(Firewall rule) {
    return rule.hasPriority() ? rule.getPriority() : DEFAULT_PRIORITY;
  }

  private static boolean appliesTo(Firewall rule, Set<String> tags, boolean denying) {
    if (rule.getTargetTagsCount() > 0) {
      return rule.getTargetTagsList().stream().anyMatch(tags::contains);
    }
    if (rule.getTargetServiceAccountsCount() > 0) {
      return denying;
    }
    return true;
  }

  /** An EGRESS rule without destination ranges applies to every destination (0.0.0.0/0). */
  private static List<IPAddress> destinations(Firewall rule) {
    List<String> ranges =
        rule.getDestinationRangesCount() == 0
            ? List.of("0.0.0.0/0")
            : rule.getDestinationRangesList();
    return ranges.stream().flatMap(r -> block(r).stream()).toList();
  }

  private static boolean matches(String protocol, List<String> ports, int port) {
    String p = protocol.toLowerCase(java.util.Locale.ROOT);
    if (p.equals("all")) {
      return true;
    }
    if (!p.equals("tcp") && !p.equals("6")) {
      return false;
    }
    return ports.isEmpty() || ports.stream().anyMatch(spec -> covers(spec, port));
  }

  private static boolean covers(String spec, int port) {
    try {
      int dash = spec.indexOf('-');
      if (dash < 0) {
        return Integer.parseInt(spec.trim()) == port;
      }
      return Integer.parseInt(spec.substring(0, dash).trim()) <= port
          && port <= Integer.parseInt(spec.substring(dash + 1).trim());
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Optional<IPAddress> block(String cidr) {
    IPAddress address = new IPAddressString(cidr).getAddress();
    return address == null || !address.isIPv4()
        ? Optional.empty()
        : Optional.of(address.toPrefixBlock());
  }
}
