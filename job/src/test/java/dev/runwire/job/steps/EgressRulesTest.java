package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compute's evaluation of VPC firewall rules for the workload's egress to Redis (10.20.0.0/29,
 * tcp:6379, workload tag {@code runwire-app}): direction, enabled, priority (lower first, deny
 * before allow at equal priority), target tags, destination ranges (none = 0.0.0.0/0), protocol and
 * ports.
 */
class EgressRulesTest {

  private static final String REDIS = "10.20.0.0/29";
  private static final Set<String> TAGS = Set.of("runwire-app");

  static Stream<Arguments> table() {
    return Stream.of(
        row("no rules: the implied allow-egress", List.of(), "open"),
        row(
            "only INGRESS denies do not matter",
            List.of(rule("in", "INGRESS", 100, false, "0.0.0.0/0", "all")),
            "open"),
        row(
            "deny all egress at 1000",
            List.of(rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all")),
            "blocked deny 999"),
        row(
            "no destination range means every destination",
            List.of(rule("deny", "EGRESS", 1000, false, null, "all")),
            "blocked deny 999"),
        row(
            "deny elsewhere does not block",
            List.of(rule("deny", "EGRESS", 1000, false, "192.168.0.0/16", "all")),
            "open"),
        row(
            "deny of another port does not block",
            List.of(rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "tcp:22")),
            "open"),
        row(
            "deny of udp does not block",
            List.of(rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "udp")),
            "open"),
        row(
            "deny of a port range holding 6379 blocks",
            List.of(rule("deny", "EGRESS", 500, false, "10.0.0.0/8", "tcp:6000-7000")),
            "blocked deny 499"),
        row(
            "a disabled deny does not block",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all").toBuilder()
                    .setDisabled(true)
                    .build()),
            "open"),
        row(
            "a deny for other tags does not block",
            List.of(tagged(rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"), "batch")),
            "open"),
        row(
            "a deny for our tag blocks",
            List.of(tagged(rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"), "runwire-app")),
            "blocked deny 999"),
        row(
            "a covering allow above the deny decides first",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"),
                rule("allow", "EGRESS", 900, true, "10.20.0.0/16", "tcp:6379")),
            "open allow"),
        row(
            "an allow at the same priority loses to the deny",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"),
                rule("allow", "EGRESS", 1000, true, "10.20.0.0/16", "tcp:6379")),
            "blocked deny 999"),
        row(
            "an allow covering part of the range does not decide",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"),
                rule("allow", "EGRESS", 900, true, "10.20.0.0/30", "tcp:6379")),
            "blocked deny 999"),
        row(
            "an allow for other tags does not help",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all"),
                tagged(rule("allow", "EGRESS", 900, true, "0.0.0.0/0", "all"), "batch")),
            "blocked deny 999"),
        row(
            "the highest-priority deny is the one to beat",
            List.of(
                rule("deny-low", "EGRESS", 2000, false, "0.0.0.0/0", "all"),
                rule("deny-high", "EGRESS", 100, false, "10.20.0.0/24", "tcp")),
            "blocked deny-high 99"),
        row(
            "a deny at priority 0 cannot be beaten",
            List.of(rule("deny", "EGRESS", 0, false, "0.0.0.0/0", "all")),
            "blocked deny -1"),
        row(
            "a deny without priority is at 1000",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all").toBuilder()
                    .clearPriority()
                    .build()),
            "blocked deny 999"),
        row(
            "a deny for service accounts is taken to apply",
            List.of(
                rule("deny", "EGRESS", 1000, false, "0.0.0.0/0", "all").toBuilder()
                    .addTargetServiceAccounts("x@p.iam.gserviceaccount.com")
                    .build()),
            "blocked deny 999"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void verdict(String scenario, List<Firewall> rules, String expected) {
    EgressRules.Verdict verdict = EgressRules.evaluate(rules, TAGS, REDIS, 6379);
    String actual;
    if (verdict instanceof EgressRules.Open open) {
      actual = open.decidedBy().startsWith("the implied") ? "open" : "open " + open.decidedBy();
    } else {
      EgressRules.Blocked b = (EgressRules.Blocked) verdict;
      actual = "blocked " + b.deny() + " " + b.allowPriority();
    }
    assertEquals(expected, actual, scenario);
  }

  private static Arguments row(String scenario, List<Firewall> rules, String expected) {
    return Arguments.of(scenario, rules, expected);
  }

  private static Firewall tagged(Firewall rule, String tag) {
    return rule.toBuilder().addTargetTags(tag).build();
  }

  /** {@code what}: "all", "udp", "tcp" or "tcp:PORTS". */
  private static Firewall rule(
      String name, String direction, int priority, boolean allow, String range, String what) {
    Firewall.Builder f =
        Firewall.newBuilder().setName(name).setDirection(direction).setPriority(priority);
    if (range != null) {
      f.addDestinationRanges(range);
    }
    String[] parts = what.split(":", 2);
    List<String> ports = parts.length == 2 ? List.of(parts[1]) : new ArrayList<>();
    if (allow) {
      f.addAllowed(Allowed.newBuilder().setIPProtocol(parts[0]).addAllPorts(ports));
    } else {
      f.addDenied(Denied.newBuilder().setIPProtocol(parts[0]).addAllPorts(ports));
    }
    return f.build();
  }
}
