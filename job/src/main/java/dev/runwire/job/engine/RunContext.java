package dev.runwire.job.engine;

import dev.runwire.schemas.ProvisioningRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** What every step of one run shares: the request, the policies and the outputs so far. */
public final class RunContext {

  private final ProvisioningRequest request;
  private final String executionId;
  private final RetryPolicy retry;
  private final WaitPolicy waits;
  private final Map<Class<? extends StepOutput>, StepOutput> outputs = new ConcurrentHashMap<>();
  private final Map<StepKind, String> recorded = new ConcurrentSkipListMap<>();

  public RunContext(
      ProvisioningRequest request, String executionId, RetryPolicy retry, WaitPolicy waits) {
    this.request = request;
    this.executionId = executionId;
    this.retry = retry;
    this.waits = waits;
  }

  public ProvisioningRequest request() {
    return request;
  }

  /** The Cloud Run job execution (or a local id) this run belongs to. */
  public String executionId() {
    return executionId;
  }

  public RetryPolicy retry() {
    return retry;
  }

  public WaitPolicy waits() {
    return waits;
  }

  /** The context of a step that starts now, with its own deadline. */
  public StepContext startStep(StepKind kind) {
    return new StepContext(this, kind, waits.deadlineFromNow());
  }

  void provide(StepOutput output) {
    outputs.put(output.getClass(), output);
  }

  <T extends StepOutput> Optional<T> output(Class<T> type) {
    return Optional.ofNullable(outputs.get(type)).map(type::cast);
  }

  void record(StepKind kind, String name) {
    recorded.put(kind, name);
  }

  Map<StepKind, String> recorded() {
    return Map.copyOf(recorded);
  }
}
