package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.DeleteFirewallRequest;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.InsertFirewallRequest;
import com.google.cloud.compute.v1.PatchFirewallRequest;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.FieldDiffs;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.events.StepEvent.Action;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The EGRESS allow from the workload to Redis, only when the network needs one. Memorystore is
 * reached over peering: the traffic is egress from the workload's network, allowed by the implied
 * allow-egress rule, and an INGRESS rule in the customer network does nothing for it (it would only
 * open the port on every VM). What can block it is an EGRESS deny rule; then this step creates the
 * narrowest allow that wins over it: one priority above the deny, for the workload's network tags
 * only, to the Redis range and port only ({@link EgressRules} decides). The rule carries runwire's
 * description marker, and destroy deletes only a rule that has it.
 *
 * <p>Its existence depends on the other rules, so it is not a {@code ResourceStep} (whose resource
 * should always exist): without a blocking deny, apply creates nothing and a drift check reports
 * nothing.
 */
final class EgressFirewallStep implements Step {

  /** The tag runwire's Direct VPC egress puts on the service's network interface. */
  static String directVpcTag(String service) {
    return "runwire-" + service;
  }

  /** The tag a connector's instances carry (Serverless VPC Access). */
  static String connectorTag(String region, String connector) {
    return "vpc-connector-" + region + "-" + connector;
  }

  record Spec(
      String direction,
      int priority,
      List<String> destinationRanges,
      List<String> allowed,
      List<String> targetTags) {}

  private final CloudClients clients;
  private final ComputeMutations compute;
  private final Inventory inventory;
  private final ComputeLocation at;
  private final String name;
  private final String redisId;
  private final String requestedRange;
  private final int port;
  private final String tag;

  EgressFirewallStep(ProvisioningRequest request, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.at = ComputeLocation.of(request);
    this.compute = new ComputeMutations(clients, at);
    this.name = request.names().firewall();
    this.redisId = request.redis().name();
    this.requestedRange = request.redis().reservedIpRange();
    this.port = request.redis().expectedPort();
    this.tag =
        request.egress().mode() == EgressMode.CONNECTOR
            ? connectorTag(at.region(), request.egress().connector().name())
            : directVpcTag(request.service().name());
  }

  @Override
  public StepKind kind() {
    return StepKind.FIREWALL;
  }

  @Override
  public String resource() {
    return Names.full("compute", at.firewall(name));
  }

  @Override
  public StepOutcome execute(StepContext ctx) {
    List<Firewall> rules = networkRules(ctx);
    Optional<Firewall> ours = rules.stream().filter(r -> r.getName().equals(name)).findFirst();
    return switch (ctx.mode()) {
      case DESTROY -> destroy(ours, ctx);
      case APPLY, PLAN, DRIFT_CHECK -> reconcile(rules, ours, ctx);
    };
  }

  private StepOutcome reconcile(List<Firewall> rules, Optional<Firewall> ours, StepContext ctx) {
    Optional<String> redisRange = redisRange();
    if (redisRange.isEmpty()) {
      return new StepOutcome.Succeeded(
          Action.NONE, List.of(), Map.of(), "decided once the Redis instance has its range");
    }
    List<Firewall> others = rules.stream().filter(r -> !r.getName().equals(name)).toList();
    EgressRules.Verdict verdict = EgressRules.evaluate(others, Set.of(tag), redisRange.get(), port);
    String traffic = "egress of tag " + tag + " to " + redisRange.get() + " tcp:" + port;
    if (verdict instanceof EgressRules.Open open) {
      return new StepOutcome.Succeeded(
          Action.NONE,
          List.of(),
          Map.of(),
          "not needed: " + open.decidedBy() + " allows " + traffic + " (no EGRESS deny blocks it)");
    }
    EgressRules.Blocked blocked = (EgressRules.Blocked) verdict;
    if (blocked.allowPriority() < 0) {
      throw new StepFailure(
          Reasons.EGRESS_BLOCKED,
          "EGRESS deny rule '"
              + blocked.deny()
              + "' at priority 0 blocks "
              + traffic
              + "; no rule can take precedence over it. Lower that rule's priority or narrow it.");
    }
    Spec want = desired(blocked.allowPriority(), redisRange.get());
    Spec actual = ours.map(EgressFirewallStep::actual).orElse(null);
    List<FieldDiff> diff = FieldDiffs.between(actual, want);
    if (diff.isEmpty()) {
      return new StepOutcome.Succeeded(
          Action.NONE,
          List.of(),
          Map.of(),
          "up to date (above EGRESS deny '" + blocked.deny() + "')");
    }
    Action action = ours.isEmpty() ? Action.CREATE : Action.UPDATE;
    String because = "EGRESS deny rule '" + blocked.deny() + "' blocks " + traffic;
    StepFailure refusal = ours.map(rule -> notOwned(rule, because)).orElse(null);
    switch (ctx.mode()) {
      case PLAN:
        return new StepOutcome.Succeeded(
            action,
            diff,
            Map.of(),
            refusal != null
                ? "apply would stop: " + refusal.reason() + ": " + refusal.getMessage()
                : (ours.isEmpty() ? "would create: " : "would update: ") + because);
      case DRIFT_CHECK:
        return new StepOutcome.Drifted(diff, Map.of(), "drifted: " + because);
      default:
        break;
    }
    if (refusal != null) {
      throw refusal;
    }
    write(ours.isEmpty(), body(want, blocked.deny()), ctx);
    return new StepOutcome.Succeeded(
        action, diff, Map.of(), (ours.isEmpty() ? "created: " : "updated: ") + because);
  }

  /**
   * {@link Reasons#NOT_OWNED} when the rule with the request's name is not runwire's (apply never
   * changes it), else {@code null}. Apply throws it; plan reports it as what apply would stop on.
   */
  private StepFailure notOwned(Firewall rule, String because) {
    if (ManagedMarks.describedAsRunwire(rule.getDescription())) {
      return null;
    }
    return new StepFailure(
        Reasons.NOT_OWNED,
        "firewall rule "
            + name
            + " exists but was not created by runwire; "
            + because
            + ". Name another rule in egress.firewallName, or change that rule yourself.");
  }

  private StepOutcome destroy(Optional<Firewall> ours, StepContext ctx) {
    if (ours.isEmpty()) {
      return new StepOutcome.Succeeded(Action.NONE, List.of(), Map.of(), "already absent");
    }
    if (!ManagedMarks.describedAsRunwire(ours.get().getDescription())) {
      return new StepOutcome.Kept(
          resource(),
          "kept: not created by runwire (its description does not start with '"
              + ManagedMarks.description("")
              + "')");
    }
    DeleteFirewallRequest request =
        DeleteFirewallRequest.newBuilder().setProject(at.project()).setFirewall(name).build();
    compute.global(
        ctx,
        "firewall " + name + " deleted",
        () -> clients.firewalls().deleteCallable().call(request));
    return new StepOutcome.Succeeded(
        Action.DELETE, List.of(new FieldDiff("exists", "true", "false")), Map.of(), "deleted");
  }

  /** The network's VPC firewall rules (rules are global: one list per project). */
  private List<Firewall> networkRules(StepContext ctx) {
    return inventory.firewalls(at.project()).stream()
        .filter(f -> Names.last(f.getNetwork()).equals(at.network()))
        .toList();
  }

  /** The instance's range as Memorystore reports it, or the requested CIDR before it exists. */
  private Optional<String> redisRange() {
    Optional<String> reported =
        inventory
            .redisInstance(at.apis(), redisId)
            .map(i -> i.getReservedIpRange())
            .filter(r -> r.contains("/"));
    if (reported.isPresent()) {
      return reported;
    }
    return Optional.ofNullable(requestedRange).filter(r -> r.contains("/"));
  }

  private Spec desired(int priority, String redisRange) {
    return new Spec("EGRESS", priority, List.of(redisRange), List.of("tcp:" + port), List.of(tag));
  }

  private static Spec actual(Firewall f) {
    return new Spec(
        f.getDirection(),
        EgressRules.priority(f),
        List.copyOf(f.getDestinationRangesList()),
        f.getAllowedList().stream()
            .flatMap(
                a ->
                    a.getPortsList().isEmpty()
                        ? java.util.stream.Stream.of(a.getIPProtocol())
                        : a.getPortsList().stream().map(p -> a.getIPProtocol() + ":" + p))
            .toList(),
        List.copyOf(f.getTargetTagsList()));
  }

  /** What is sent: the desired spec, named and marked with the deny rule it answers. */
  private Firewall body(Spec want, String deny) {
    Firewall.Builder body =
        Firewall.newBuilder()
            .setName(name)
            .setNetwork(at.networkName())
            .setDirection(want.direction())
            .setPriority(want.priority())
            .addAllDestinationRanges(want.destinationRanges())
            .addAllTargetTags(want.targetTags())
            .setDescription(
                ManagedMarks.DESCRIPTION_PREFIX
                    + "Cloud Run egress to Redis, above EGRESS deny rule "
                    + deny);
    want.allowed().forEach(rule -> body.addAllowed(allowed(rule)));
    return body.build();
  }

  /** {@code tcp:6379} or {@code icmp}, the form {@link #actual} reads back. */
  private static Allowed allowed(String rule) {
    int colon = rule.indexOf(':');
    return colon < 0
        ? Allowed.newBuilder().setIPProtocol(rule).build()
        : Allowed.newBuilder()
            .setIPProtocol(rule.substring(0, colon))
            .addPorts(rule.substring(colon + 1))
            .build();
  }

  private void write(boolean create, Firewall body, StepContext ctx) {
    String verb = create ? "insert" : "patch";
    String requestId = ComputeMutations.requestId(ctx.executionId(), name, verb);
    InsertFirewallRequest insert =
        InsertFirewallRequest.newBuilder()
            .setProject(at.project())
            .setFirewallResource(body)
            .setRequestId(requestId)
            .build();
    PatchFirewallRequest patch =
        PatchFirewallRequest.newBuilder()
            .setProject(at.project())
            .setFirewall(name)
            .setFirewallResource(body)
            .setRequestId(requestId)
            .build();
    compute.global(
        ctx,
        "firewall " + name + (create ? " created" : " patched"),
        () ->
            create
                ? clients.firewalls().insertCallable().call(insert)
                : clients.firewalls().patchCallable().call(patch));
  }
}
