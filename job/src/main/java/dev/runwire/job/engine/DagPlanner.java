package dev.runwire.job.engine;

import static dev.runwire.job.engine.StepKind.CLOUD_NAT;
import static dev.runwire.job.engine.StepKind.CLOUD_ROUTER;
import static dev.runwire.job.engine.StepKind.CLOUD_RUN_SERVICE;
import static dev.runwire.job.engine.StepKind.EGRESS_SUBNET;
import static dev.runwire.job.engine.StepKind.FIREWALL;
import static dev.runwire.job.engine.StepKind.NETWORK;
import static dev.runwire.job.engine.StepKind.PROBE_JOB;
import static dev.runwire.job.engine.StepKind.PRUNE;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_ACCESS;
import static dev.runwire.job.engine.StepKind.REDIS_AUTH_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_CA_SECRET;
import static dev.runwire.job.engine.StepKind.REDIS_INSTANCE;
import static dev.runwire.job.engine.StepKind.STATIC_ADDRESS;
import static dev.runwire.job.engine.StepKind.VERIFY;
import static dev.runwire.job.engine.StepKind.VPC_CONNECTOR;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that decides the shape of the step DAG from a request:
 *
 * <pre>
 * network ─┬─ redis-instance ─┬─ redis-auth-secret ── redis-auth-access ┐  (AUTH only)
 *          │                 └─ redis-ca-secret ────────────────────────┤  (TLS only)
 *          ├─ egress-subnet ─┬─ vpc-connector (connector mode) ─────────┤
 *          │                 └──────────────────────────────────────────┤
 *          ├─ firewall (EGRESS allow, only if an EGRESS deny blocks) ───├─ cloud-run-service ─┐
 *          └─ cloud-router ─┐                                           │                     │
 *   static-address ─────────┴─ cloud-nat (+ egress-subnet) ─────────────┘   probe-job ─ verify
 * </pre>
 *
 * Steps that do not apply are left out. {@code probe-job} (the Cloud Run job that proves the path
 * from the service's own network settings) is planned whenever the probe may run: apply and plan
 * always, drift-check only with {@code verify: true} (a scoped sweep stays list-only). {@code
 * destroy} runs the same graph reversed, without verify (the probe job is deleted). When an earlier
 * request left resources behind that this one no longer needs, {@code prune} removes them after the
 * service is wired the new way; in destroy it removes what an earlier pruning could not delete yet
 * (a subnet Cloud Run still held), before the service is unwired.
 */
public final class DagPlanner {

  private DagPlanner() {}

  public static Plan plan(ProvisioningRequest request) {
    return plan(request, false);
  }

  /**
   * @param prune whether the previous request left resources this one no longer needs, or an
   *     earlier pruning left some to delete
   */
  public static Plan plan(ProvisioningRequest request, boolean prune) {
    Plan apply = applyPlan(request, prune);
    return request.mode() == Mode.DESTROY ? apply.without(VERIFY).reversed() : apply;
  }

  private static Plan applyPlan(ProvisioningRequest request, boolean prune) {
    boolean subnet = request.egress().egressSubnet() != null;
    boolean connector = request.egress().mode() == EgressMode.CONNECTOR;
    boolean staticIp = request.wantsStaticEgressIp();
    boolean auth = request.redis().authEnabled();
    boolean tls =
        request.redis().transitEncryption()
            == ProvisioningRequest.TransitEncryption.SERVER_AUTHENTICATION;
    boolean probe = request.mode() != Mode.DRIFT_CHECK || request.runsProbe();

    List<Plan.Node> nodes = new ArrayList<>();
    nodes.add(node(NETWORK));
    if (subnet) {
      nodes.add(node(EGRESS_SUBNET, NETWORK));
    }
    nodes.add(node(REDIS_INSTANCE, NETWORK));
    if (auth) {
      nodes.add(node(REDIS_AUTH_SECRET, REDIS_INSTANCE));
      // Cloud Run refuses a revision whose account cannot read a secret it references.
      nodes.add(node(REDIS_AUTH_ACCESS, REDIS_AUTH_SECRET));
    }
    if (tls) {
      nodes.add(node(REDIS_CA_SECRET, REDIS_INSTANCE));
    }
    if (connector) {
      nodes.add(node(VPC_CONNECTOR, subnet ? EGRESS_SUBNET : NETWORK));
    }
    // Decided per network: an EGRESS allow only where an EGRESS deny blocks the way to Redis.
    nodes.add(node(FIREWALL, NETWORK, REDIS_INSTANCE));
    if (staticIp) {
      nodes.add(node(STATIC_ADDRESS));
      nodes.add(node(CLOUD_ROUTER, NETWORK));
      nodes.add(
          subnet
              ? node(CLOUD_NAT, STATIC_ADDRESS, CLOUD_ROUTER, EGRESS_SUBNET)
              : node(CLOUD_NAT, STATIC_ADDRESS, CLOUD_ROUTER));
    }
    Set<StepKind> serviceNeeds = EnumSet.of(REDIS_INSTANCE);
    for (StepKind parent :
        List.of(
            EGRESS_SUBNET,
            REDIS_AUTH_SECRET,
            REDIS_AUTH_ACCESS,
            REDIS_CA_SECRET,
            VPC_CONNECTOR,
            FIREWALL,
            CLOUD_NAT)) {
      if (nodes.stream().anyMatch(n -> n.kind() == parent)) {
        serviceNeeds.add(parent);
      }
    }
    nodes.add(new Plan.Node(CLOUD_RUN_SERVICE, serviceNeeds));
    if (prune) {
      nodes.add(node(PRUNE, CLOUD_RUN_SERVICE));
    }
    if (probe) {
      nodes.add(node(PROBE_JOB, CLOUD_RUN_SERVICE));
      nodes.add(node(VERIFY, PROBE_JOB));
    } else {
      nodes.add(node(VERIFY, CLOUD_RUN_SERVICE));
    }
    return new Plan(nodes);
  }

  private static Plan.Node node(StepKind kind, StepKind... dependsOn) {
    Set<StepKind> deps = EnumSet.noneOf(StepKind.class);
    deps.addAll(List.of(dependsOn));
    return new Plan.Node(kind, deps);
  }
}
