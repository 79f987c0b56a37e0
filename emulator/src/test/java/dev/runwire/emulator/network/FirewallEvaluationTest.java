package dev.runwire.emulator.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import dev.runwire.emulator.network.FirewallEvaluation.Packet;
import dev.runwire.emulator.network.FirewallEvaluation.Verdict;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The firewall table: each row is a network's rules, one packet and the verdict Compute gives it
 * (https://cloud.google.com/firewall/docs/firewalls, "Priority order for firewall rules").
 */
class FirewallEvaluationTest {

  private static final Set<String> CONNECTOR_TAGS =
      Set.of("vpc-connector", "vpc-connector-us-central1-conn");
  private static final Packet TO_REDIS = Packet.egress("10.0.0.3", "tcp", 6379, CONNECTOR_TAGS, "");
  private static final Packet TO_REDIS_UNTAGGED =
      Packet.egress("10.0.0.3", "tcp", 6379, Set.of(), "");

  static Stream<Arguments> table() {
    return Stream.of(
        row(
            "no rules: the implied allow egress",
            List.of(),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "no rules: the implied deny ingress",
            List.of(),
            Packet.ingress("10.0.0.9", "tcp", 22, Set.of(), Set.of()),
            false,
            "implied deny ingress (0.0.0.0/0, 65535)"),
        row(
            "deny egress to the range and port blocks",
            List.of(deny("deny-all", 1000, "tcp", List.of("0-65535"), List.of("0.0.0.0/0"))),
            TO_REDIS,
            false,
            "deny-all"),
        row(
            "a lower number wins: allow at 900 beats deny at 1000",
            List.of(
                deny("deny-all", 1000, "all", List.of(), List.of("0.0.0.0/0")),
                allow(
                    "allow-redis",
                    900,
                    "tcp",
                    List.of("6379"),
                    List.of("10.0.0.0/29"),
                    List.of("vpc-connector"))),
            TO_REDIS,
            true,
            "allow-redis"),
        row(
            "deny wins a tie",
            List.of(
                deny("deny-all", 1000, "tcp", List.of(), List.of()),
                allow("allow-redis", 1000, "tcp", List.of("6379"), List.of(), List.of())),
            TO_REDIS,
            false,
            "deny-all"),
        row(
            "an allow for another tag does not apply",
            List.of(
                deny("deny-all", 1000, "all", List.of(), List.of()),
                allow("allow-web", 900, "tcp", List.of("6379"), List.of(), List.of("web"))),
            TO_REDIS,
            false,
            "deny-all"),
        row(
            "a deny for a tag the workload lacks does not apply",
            List.of(
                deny(
                    "deny-connectors",
                    1000,
                    "all",
                    List.of(),
                    List.of(),
                    List.of("vpc-connector"))),
            TO_REDIS_UNTAGGED,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "a deny for the connector's own tag applies",
            List.of(
                deny(
                    "deny-connectors",
                    1000,
                    "all",
                    List.of(),
                    List.of(),
                    List.of("vpc-connector-us-central1-conn"))),
            TO_REDIS,
            false,
            "deny-connectors"),
        row(
            "destinationRanges elsewhere do not match",
            List.of(deny("deny-other", 100, "tcp", List.of(), List.of("192.168.0.0/16"))),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "a port range covers the port",
            List.of(deny("deny-range", 100, "tcp", List.of("6378-6380"), List.of("10.0.0.0/8"))),
            TO_REDIS,
            false,
            "deny-range"),
        row(
            "another port does not match",
            List.of(deny("deny-6380", 100, "tcp", List.of("6380"), List.of("10.0.0.0/8"))),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "udp does not match tcp",
            List.of(deny("deny-udp", 100, "udp", List.of(), List.of())),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "protocol number 6 is tcp",
            List.of(deny("deny-6", 100, "6", List.of("6379"), List.of())),
            TO_REDIS,
            false,
            "deny-6"),
        row(
            "a disabled rule is ignored",
            List.of(
                deny("deny-all", 100, "all", List.of(), List.of()).toBuilder()
                    .setDisabled(true)
                    .build()),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "an ingress rule does not filter egress",
            List.of(
                Firewall.newBuilder()
                    .setName("deny-in")
                    .setDirection("INGRESS")
                    .setPriority(0)
                    .addDenied(Denied.newBuilder().setIPProtocol("all"))
                    .addSourceRanges("0.0.0.0/0")
                    .build()),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"),
        row(
            "an explicit deny egress at 65535 beats the implied allow",
            List.of(deny("deny-last", 65535, "all", List.of(), List.of())),
            TO_REDIS,
            false,
            "deny-last"),
        row(
            "an allow ingress at 65535 does not beat the implied deny",
            List.of(
                Firewall.newBuilder()
                    .setName("allow-last")
                    .setDirection("INGRESS")
                    .setPriority(65535)
                    .addAllowed(Allowed.newBuilder().setIPProtocol("tcp"))
                    .addSourceRanges("0.0.0.0/0")
                    .build()),
            Packet.ingress("10.0.0.9", "tcp", 22, Set.of(), Set.of()),
            false,
            "implied deny ingress (0.0.0.0/0, 65535)"),
        row(
            "an ingress allow by source tag",
            List.of(
                Firewall.newBuilder()
                    .setName("allow-from-web")
                    .setDirection("INGRESS")
                    .setPriority(1000)
                    .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("22"))
                    .addSourceTags("web")
                    .build()),
            Packet.ingress("10.0.0.9", "tcp", 22, Set.of(), Set.of("web")),
            true,
            "allow-from-web"),
        row(
            "targetServiceAccounts picks the workload by its account",
            List.of(
                Firewall.newBuilder()
                    .setName("deny-sa")
                    .setDirection("EGRESS")
                    .setPriority(10)
                    .addDenied(Denied.newBuilder().setIPProtocol("tcp"))
                    .addTargetServiceAccounts("svc@p.iam.gserviceaccount.com")
                    .build()),
            Packet.egress("10.0.0.3", "tcp", 6379, Set.of(), "svc@p.iam.gserviceaccount.com"),
            false,
            "deny-sa"),
        row(
            "a rule without direction is INGRESS",
            List.of(
                Firewall.newBuilder()
                    .setName("no-direction")
                    .setPriority(0)
                    .addDenied(Denied.newBuilder().setIPProtocol("all"))
                    .build()),
            TO_REDIS,
            true,
            "implied allow egress (0.0.0.0/0, 65535)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void verdict(String scenario, List<Firewall> rules, Packet packet, boolean allowed, String rule) {
    Verdict v = FirewallEvaluation.evaluate(rules, packet);
    assertEquals(allowed, v.allowed(), scenario + ": " + v.describe());
    assertEquals(rule, v.rule(), scenario);
  }

  private static Arguments row(
      String scenario, List<Firewall> rules, Packet packet, boolean allowed, String rule) {
    return Arguments.of(scenario, rules, packet, allowed, rule);
  }

  private static Firewall deny(
      String name, int priority, String protocol, List<String> ports, List<String> ranges) {
    return deny(name, priority, protocol, ports, ranges, List.of());
  }

  private static Firewall deny(
      String name,
      int priority,
      String protocol,
      List<String> ports,
      List<String> ranges,
      List<String> tags) {
    return Firewall.newBuilder()
        .setName(name)
        .setDirection("EGRESS")
        .setPriority(priority)
        .addDenied(Denied.newBuilder().setIPProtocol(protocol).addAllPorts(ports))
        .addAllDestinationRanges(ranges)
        .addAllTargetTags(tags)
        .build();
  }

  private static Firewall allow(
      String name,
      int priority,
      String protocol,
      List<String> ports,
      List<String> ranges,
      List<String> tags) {
    return Firewall.newBuilder()
        .setName(name)
        .setDirection("EGRESS")
        .setPriority(priority)
        .addAllowed(Allowed.newBuilder().setIPProtocol(protocol).addAllPorts(ports))
        .addAllDestinationRanges(ranges)
        .addAllTargetTags(tags)
        .build();
  }
}
