package dev.runwire.job.steps;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskAttemptResult;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.job.probe.ProbeResult;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proves the wiring from the service's own network path: runs one execution of the probe job
 * ({@link ProbeJobStep}: the service's vpcAccess, service account and Redis env), waits for it, and
 * turns its task's exit code ({@code lastAttemptResult.exitCode}, a {@link ProbeResult}) into the
 * event: what was reached, or why not and the fix ({@link PathDiagnosis}). The job itself never
 * connects to Redis (it needs no route there). Runs in apply, and in drift-check only with {@code
 * verify: true}; never in plan.
 */
final class VerifyStep implements Step {

  /** A probe starts like the job does and gives up on Redis after 5 s: minutes is plenty. */
  private static final Duration EXECUTION_FOR = Duration.ofMinutes(5);

  private final CloudClients clients;
  private final Inventory inventory;
  private final ProvisioningRequest request;
  private final ApiLocation at;

  VerifyStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.request = request;
    this.at = at;
  }

  @Override
  public StepKind kind() {
    return StepKind.VERIFY;
  }

  @Override
  public String resource() {
    return Names.full("run", at.job(ProbeJobStep.jobId(request.service().name())));
  }

  @Override
  public StepOutcome execute(StepContext ctx) {
    if (!ctx.request().runsProbe()) {
      return new StepOutcome.Succeeded(
          Action.NONE,
          List.of(),
          Map.of(),
          "verify runs the probe in apply (drift-check: with verify: true), not in "
              + ctx.mode().wire());
    }
    String job =
        ctx.upstream(StepOutputs.ProbeJob.class)
            .map(StepOutputs.ProbeJob::job)
            .orElseThrow(
                () ->
                    new StepFailure(
                        Reasons.VERIFY_FAILED, StepKind.PROBE_JOB.wire() + " gave no probe job"));
    Instance instance =
        ctx.call(() -> clients.redis().getInstance(at.redisInstance(request.redis().name())));
    String address = instance.getHost() + ":" + instance.getPort();
    Execution done = runAndWait(job, ctx);
    Job probe = ctx.call(() -> clients.jobs().getJob(job));
    String path = path(probe);
    if (done.getSucceededCount() > 0) {
      StepOutputs.VerifiedPath verified =
          new StepOutputs.VerifiedPath(
              new StepOutputs.RedisEndpoint(instance.getHost(), instance.getPort()),
              ctx.upstream(StepOutputs.EgressIp.class).orElse(null),
              ctx.upstream(StepOutputs.ServiceUrl.class).orElse(null));
      ctx.provide(verified);
      Map<String, String> outputs = new java.util.LinkedHashMap<>(verified.fields());
      outputs.put("probeExecution", done.getName());
      return new StepOutcome.Succeeded(
          Action.NONE,
          List.of(),
          outputs,
          "reached Redis at "
              + address
              + " from the service's own network path ("
              + path
              + "): "
              + (request.redis().authEnabled() ? "AUTH, " : "")
              + (ServiceWiring.tls(request) ? "TLS, " : "")
              + "PING, INCR runwire:verify:"
              + request.service().name()
              + " (probe execution "
              + Names.last(done.getName())
              + ")");
    }
    Optional<TaskAttemptResult> attempt = lastAttempt(done, ctx);
    Optional<ProbeResult> result =
        attempt
            .filter(a -> a.getStatus().getCode() != com.google.rpc.Code.DEADLINE_EXCEEDED_VALUE)
            .flatMap(a -> ProbeResult.ofExitCode(a.getExitCode()));
    if (result.isEmpty()) {
      throw new StepFailure(
          Reasons.VERIFY_FAILED,
          "the probe execution "
              + Names.last(done.getName())
              + " did not run the probe to an answer: "
              + attempt
                  .map(a -> a.getStatus().getMessage())
                  .filter(m -> !m.isEmpty())
                  .orElse(completedMessage(done)));
    }
    PathDiagnosis.Diagnosis why =
        new PathDiagnosis(request, clients, inventory)
            .explain(result.get(), probe.getTemplate().getTemplate().getVpcAccess(), instance, ctx);
    throw new StepFailure(
        Reasons.VERIFY_FAILED,
        "cannot reach Redis at "
            + address
            + " from the service's own network path ("
            + path
            + "): probe exit "
            + result.get().exitCode()
            + " "
            + result.get().name()
            + " ("
            + result.get().meaning()
            + "); "
            + why.describe());
  }

  /**
   * Starts one execution and reads it until it completed. The jobs:run answer is an operation whose
   * metadata is the Execution (job.proto, {@code RunJob}'s {@code operation_info.metadata_type}):
   * its name is all this needs, so the plain callable is used and nothing polls the operation (an
   * {@code OperationFuture} would poll it until the execution ends, beside the reads below).
   */
  private Execution runAndWait(String job, StepContext ctx) {
    String execution =
        ctx.call(
            () ->
                clients
                    .jobs()
                    .runJobCallable()
                    .call(RunJobRequest.newBuilder().setName(job).build())
                    .getMetadata()
                    .unpack(Execution.class)
                    .getName());
    Instant giveUp = min(ctx.deadline(), Instant.now().plus(EXECUTION_FOR));
    return ctx.waits()
        .untilAfterPause(
            () -> ctx.call(() -> clients.executions().getExecution(execution)),
            Execution::hasCompletionTime,
            giveUp,
            "probe execution " + Names.last(execution));
  }

  private Optional<TaskAttemptResult> lastAttempt(Execution done, StepContext ctx) {
    List<Task> tasks = new ArrayList<>();
    ctx.call(() -> clients.tasks().listTasks(done.getName())).iterateAll().forEach(tasks::add);
    return tasks.stream()
        .filter(Task::hasLastAttemptResult)
        .findFirst()
        .map(Task::getLastAttemptResult);
  }

  private static String completedMessage(Execution e) {
    return e.getConditionsList().stream()
        .filter(c -> c.getType().equals("Completed"))
        .map(Condition::getMessage)
        .findFirst()
        .orElse("no task result");
  }

  /** The probe's network settings in a few words (they are the service's). */
  private static String path(Job probe) {
    var t = probe.getTemplate().getTemplate();
    var vpc = t.getVpcAccess();
    String via =
        !vpc.getConnector().isEmpty()
            ? "connector " + Names.last(vpc.getConnector())
            : vpc.getNetworkInterfacesCount() > 0
                ? "Direct VPC "
                    + vpc.getNetworkInterfaces(0).getNetwork()
                    + "/"
                    + vpc.getNetworkInterfaces(0).getSubnetwork()
                : "no VPC egress";
    return via
        + (vpc.getConnector().isEmpty() && vpc.getNetworkInterfacesCount() == 0
            ? ""
            : ", egress " + vpc.getEgress())
        + ", as "
        + t.getServiceAccount();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
