package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriticalPathTest {

  private static Plan largestPlan() {
    return DagPlanner.plan(
        MessageCodec.fromJson(BenchRequests.largest("t").toString(), ProvisioningRequest.class));
  }

  @Test
  void redisCreateDecidesTheLargestRequestsCriticalPath() {
    Plan plan = largestPlan();
    CriticalPath path = CriticalPath.of(plan, OperationDurations.stepWeights(plan));

    assertEquals(
        List.of(
            StepKind.NETWORK,
            StepKind.REDIS_INSTANCE,
            StepKind.FIREWALL,
            StepKind.CLOUD_RUN_SERVICE,
            StepKind.PROBE_JOB,
            StepKind.VERIFY),
        path.chain());
    // Redis create 5 min, the egress firewall rule insert 8 s, the service update 25 s, the probe
    // job's create 5 s and its execution's start 10 s, at /100.
    assertEquals(Duration.ofMillis(3000 + 80 + 250 + 50 + 100), path.length());
  }

  @Test
  void totalIsTheSumOfEveryPlannedOperation() {
    Plan plan = largestPlan();
    CriticalPath path = CriticalPath.of(plan, OperationDurations.stepWeights(plan));

    long sum =
        OperationDurations.APPLY.stream()
            .mapToLong(op -> OperationDurations.scaled(op.realistic()).toMillis())
            .sum();
    assertEquals(Duration.ofMillis(sum), path.total());
  }

  @Test
  void aSlowConnectorMovesThePathOntoTheSubnetBranch() {
    Plan plan = largestPlan();
    Map<StepKind, Duration> weights = new EnumMap<>(OperationDurations.stepWeights(plan));
    weights.put(StepKind.VPC_CONNECTOR, Duration.ofSeconds(10));

    CriticalPath path = CriticalPath.of(plan, weights);

    assertEquals(
        List.of(
            StepKind.NETWORK,
            StepKind.EGRESS_SUBNET,
            StepKind.VPC_CONNECTOR,
            StepKind.CLOUD_RUN_SERVICE,
            StepKind.PROBE_JOB,
            StepKind.VERIFY),
        path.chain());
    assertEquals(Duration.ofMillis(100 + 10_000 + 250 + 50 + 100), path.length());
  }
}
