package dev.runwire.job.engine;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Future;

/** What one step sees while it runs: the request, its deadline, the outputs of earlier steps. */
public final class StepContext {

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

  /** An output of an earlier step, e.g. the Redis host; empty when it has not run (a plan). */
  public Optional<String> upstream(StepKind step, String key) {
    return run.output(step, key);
  }
}
