package dev.runwire.job.engine;

import com.google.api.gax.longrunning.OperationFuture;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/** What one step sees while it runs: the request, its deadline, the outputs of earlier steps. */
public final class StepContext {

  private static final Logger LOG = Logger.getLogger(StepContext.class.getName());

  private final RunContext run;
  private final StepKind kind;
  private final Instant deadline;

  StepContext(RunContext run, StepKind kind, Instant deadline) {
    this.run = run;
    this.kind = kind;
    this.deadline = deadline;
  }

  public ProvisioningRequest request() {
    return run.request();
  }

  public Mode mode() {
    return run.request().mode();
  }

  public String executionId() {
    return run.executionId();
  }

  public StepKind kind() {
    return kind;
  }

  public Instant deadline() {
    return deadline;
  }

  public WaitPolicy waits() {
    return run.waits();
  }

  /** One API call through the retry policy. */
  public <T> T call(ApiCall<T> call) {
    return run.retry().call(call);
  }

  /** Waits for an operation the client polls, up to this step's deadline. */
  public <T> T await(Future<T> operation, String what) {
    return run.waits().await(operation, deadline, what);
  }

  /**
   * Starts a long-running operation and waits for it. Starting is one call, retried on its own (its
   * initial response names the operation); the wait is never retried as a whole (that would start
   * the mutation again): when a poll fails transiently, the wait ends and the step's loop reads the
   * resource again, one retried call per read, until it settles.
   */
  public <T> void startAndAwait(ApiCall<? extends OperationFuture<T, ?>> start, String what) {
    OperationFuture<T, ?> operation =
        call(
            () -> {
              OperationFuture<T, ?> started = start.call();
              started.getInitialFuture().get();
              return started;
            });
    try {
      await(operation, what);
    } catch (RuntimeException e) {
      if (!ApiErrors.isTransient(e)) {
        throw e;
      }
      LOG.fine(() -> "polling " + what + " failed transiently; reading the resource instead: " + e);
    }
  }

  /**
   * The output of an earlier step, e.g. the Redis endpoint; empty when that step has not produced
   * it (a plan of a resource that does not exist yet).
   */
  public <T extends StepOutput> Optional<T> upstream(Class<T> type) {
    return run.output(type);
  }

  /**
   * Notes that runwire owns {@code name} of {@code kind} although the resource cannot say so itself
   * (see {@link Ownership#RECORDED}); the service step writes every such note onto the service.
   */
  public void recordOwned(StepKind kind, String name) {
    run.record(kind, name);
  }

  /** What steps of this run noted with {@link #recordOwned}, by kind. */
  public Map<StepKind, String> recordedOwned() {
    return new TreeMap<>(run.recorded());
  }

  /** Hands this step's output to the steps that depend on it. */
  public void provide(StepOutput output) {
    run.provide(output);
  }
}
