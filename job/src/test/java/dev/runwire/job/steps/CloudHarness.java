package dev.runwire.job.steps;

import com.google.cloud.compute.v1.Network;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.job.JobConfig;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.DagPlanner;
import dev.runwire.job.engine.DagRunner;
import dev.runwire.job.engine.Plan;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.RunContext;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.Sleeper;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepListener;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.testing.JobCommand;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real local cloud (instant profile) and real clients pointed at it, for step tests: run one
 * step, or a whole plan, and count the mutating requests the cloud recorded. A test class holds one
 * as {@code @RegisterExtension static final CloudHarness harness = new CloudHarness();}: the cloud
 * starts when the class does and closes after its last test.
 */
final class CloudHarness implements AutoCloseable, AfterAllCallback {

  final LocalCloud cloud;
  final CloudClients clients;
  WaitPolicy waits = waitsFor(Duration.ofSeconds(60));
  final RetryPolicy retry =
      new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), Sleeper.REAL, () -> 0.5);

  private final java.util.concurrent.atomic.AtomicInteger executions =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Every run is its own execution, as on Cloud Run (Compute requestIds depend on it). */
  private String nextExecution() {
    return "test-" + executions.incrementAndGet();
  }

  CloudHarness() {
    this(b -> b);
  }

  /**
   * A local cloud configured by {@code local} (durations, a seed) on top of the instant profile.
   */
  CloudHarness(java.util.function.UnaryOperator<LocalCloud.Builder> local) {
    this.cloud =
        local
            .apply(
                LocalCloud.builder()
                    .profile("instant")
                    .imageCommand(JobConfig.LOCAL_PROBE_IMAGE, JobCommand.onTestClasspath()))
            .start();
    this.clients = new CloudClients(CloudEndpoints.local(cloud.baseUrl(), null), waits);
  }

  /** Each step's deadline from now on (a short one makes a "cannot reach" test quick). */
  void stepTimeout(Duration timeout) {
    waits = waitsFor(timeout);
  }

  private static WaitPolicy waitsFor(Duration stepTimeout) {
    return new WaitPolicy(
        Duration.ofMillis(10),
        Duration.ofMillis(100),
        1.5,
        stepTimeout,
        Sleeper.REAL,
        Clock.systemUTC());
  }

  Inventory inventory() {
    return new LiveInventory(clients, retry);
  }

  StepFactory factory() {
    return new StepFactory(clients, inventory());
  }

  /** Runs one step of {@code request}'s plan alone (its upstream outputs are not there). */
  StepOutcome runStep(StepKind kind, ProvisioningRequest request) {
    Plan alone = new Plan(List.of(new Plan.Node(kind, Set.of())));
    RunResult result =
        DagRunner.sequential(StepListener.NONE, Clock.systemUTC())
            .run(
                alone,
                factory().steps(alone, request),
                new RunContext(request, nextExecution(), retry, waits));
    return result.outcome(kind);
  }

  /** Runs {@code kinds} one after the other, each depending on the one before. */
  RunResult runSteps(ProvisioningRequest request, StepKind... kinds) {
    List<Plan.Node> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < kinds.length; i++) {
      nodes.add(new Plan.Node(kinds[i], i == 0 ? Set.of() : Set.of(kinds[i - 1])));
    }
    Plan plan = new Plan(nodes);
    return DagRunner.sequential(StepListener.NONE, Clock.systemUTC())
        .run(
            plan,
            factory().steps(plan, request),
            new RunContext(request, nextExecution(), retry, waits));
  }

  /** Runs the request's whole plan, one step at a time. */
  RunResult runPlan(ProvisioningRequest request) {
    Plan plan = DagPlanner.plan(request);
    return DagRunner.sequential(StepListener.NONE, Clock.systemUTC())
        .run(
            plan,
            factory().steps(plan, request),
            new RunContext(request, nextExecution(), retry, waits));
  }

  /**
   * The wired service as the service step leaves it when runwire owns resources that carry no mark
   * of their own ({@code runwire.dev/owns}, e.g. {@code vpc-connector=run-conn}): for tests that
   * run such a step without the service step.
   */
  void serviceRecords(String owns) throws Exception {
    com.google.cloud.run.v2.Service service =
        com.google.cloud.run.v2.Service.newBuilder()
            .putAnnotations(ManagedMarks.OWNS, owns)
            .setTemplate(
                com.google.cloud.run.v2.RevisionTemplate.newBuilder()
                    .addContainers(
                        com.google.cloud.run.v2.Container.newBuilder()
                            .setImage("europe-docker.pkg.dev/demo-project/apps/visitor-counter:1")))
            .build();
    clients
        .services()
        .createServiceAsync(
            "projects/demo-project/locations/europe-west1", service, "visitor-counter")
        .get();
  }

  /** Creates a custom-mode VPC network {@code name} (no auto subnetworks) in {@code project}. */
  void customNetwork(String project, String name) throws Exception {
    clients
        .networks()
        .insertAsync(
            project, Network.newBuilder().setName(name).setAutoCreateSubnetworks(false).build())
        .get();
  }

  List<RecordedRequest> mutations() {
    return cloud.requestLog().stream().filter(RecordedRequest::isMutation).toList();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    clients.close();
    cloud.close();
  }
}
