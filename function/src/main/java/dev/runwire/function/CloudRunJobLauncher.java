package dev.runwire.function;

import com.google.api.gax.httpjson.HttpJsonCallContext;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiCallContext;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.CancelExecutionRequest;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.JobName;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.ListExecutionsRequest;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.longrunning.Operation;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import dev.runwire.schemas.JobEnvironment;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the runwire job through the Cloud Run Admin API v2, at most once per running request.
 *
 * <p>Idempotency across function instances uses the Run API itself, not instance memory: every
 * execution this launcher starts carries {@value #REQUEST_ID_ENV} (and {@value
 * JobEnvironment#MESSAGE_ID}) in its container override env, and Cloud Run applies overrides to the
 * execution's task template, so {@code executions.list} shows them in {@code
 * template.containers[].env}. Before running, the launcher lists the job's executions and, if one
 * that has not completed carries the same request id, reports it instead of starting another. The
 * list is newest first ("Results are sorted by creation time, descending", REST reference of
 * projects.locations.jobs.executions.list), and an execution cannot still run longer than its
 * template allows ({@link ExecutionWindow}), so the scan stops at the first execution older than
 * that: its cost follows the executions of the last task timeout x (max retries + 1), not the job's
 * whole history. An execution started by hand with {@code gcloud run jobs execute --update-env-vars
 * RUNWIRE_REQUEST=...} is recognised by the requestId inside {@value #REQUEST_ENV}.
 *
 * <p>Two instances that check at the same moment can both start an execution. After starting, the
 * launcher therefore lists again: if an older running execution carries the same request id, the
 * newer one (its own) is cancelled and the older one reported. Both instances see both executions,
 * so exactly one survives. The re-check reads only executions created since the first check began
 * (older racers would have been found by it), which is usually the first page.
 *
 * <p>What an event costs the function is mostly parsing the executions the list pages return (each
 * carries the request in its env): each scan's first page asks for about as many as the previous
 * scan of its kind needed ({@link ScanPageSize}), not a fixed 100.
 */
final class CloudRunJobLauncher implements AutoCloseable {

  static final String REQUEST_ENV = JobEnvironment.REQUEST;
  static final String REQUEST_ID_ENV = JobEnvironment.REQUEST_ID;

  /** Cloud Run's limit on one env value. */
  static final int MAX_ENV_VALUE_BYTES = 32_768;

  private static final int LIST_PAGE_SIZE = 100;

  /** The re-check usually ends within its first page: only the last seconds' executions count. */
  private static final int RECHECK_PAGE_SIZE = 50;

  /** The duplicate check's first page, sized from the previous checks. */
  private final ScanPageSize checkPages = new ScanPageSize(LIST_PAGE_SIZE, LIST_PAGE_SIZE);

  /** The race re-check's first page, sized from the previous re-checks. */
  private final ScanPageSize recheckPages = new ScanPageSize(RECHECK_PAGE_SIZE, LIST_PAGE_SIZE);

  /**
   * How much earlier than the first check a racer's execution may carry as createTime and still
   * have been invisible to it: list lag of the API and clock differences between its servers.
   */
  static final Duration DEFAULT_RECHECK_MARGIN = Duration.ofSeconds(10);

  /** Bounds the scan on a job with a very long execution history (about 20 list calls). */
  private static final int MAX_EXECUTIONS_SCANNED = 2_000;

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A partial response (system parameter {@code X-Goog-FieldMask},
   * https://cloud.google.com/apis/docs/system-parameters) with only what the scan reads: parsing
   * whole Executions (conditions, template, labels, ...) was most of an event's CPU. The request id
   * cannot come from anything lighter than the container env: a run's overrides set env, task count
   * and timeout only, so the env (with the request inside it) is the one place it lives. The next
   * pages keep this context (gax's page context carries the call context).
   */
  static final String SCAN_MASK =
      "executions(name,createTime,completionTime,taskCount,template.containers.env),nextPageToken";

  private static final ApiCallContext SCAN_FIELDS =
      HttpJsonCallContext.createDefault()
          .withExtraHeaders(Map.of("X-Goog-FieldMask", List.of(SCAN_MASK)));

  /** Tries of one read before the delivery fails (and Pub/Sub redelivers it). */
  static final int READ_ATTEMPTS = 4;

  /** 503 and 429 (gax maps them by HTTP code): transient, and a read is safe to repeat. */
  private static final Set<StatusCode.Code> TRANSIENT_READ_CODES =
      Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.RESOURCE_EXHAUSTED);

  private final JobName job;
  private final JobsClient jobs;
  private final ExecutionsClient executions;
  private final Duration recheckMargin;
  private final ExecutionWindow window;

  CloudRunJobLauncher(
      JobName job,
      JobsClient jobs,
      ExecutionsClient executions,
      Duration recheckMargin,
      Duration windowSlack) {
    this.job = job;
    this.jobs = jobs;
    this.executions = executions;
    this.recheckMargin = recheckMargin;
    this.window = new ExecutionWindow(() -> jobs.getJob(job), windowSlack, System::nanoTime);
  }

  static CloudRunJobLauncher create(JobName job, CloudEndpoints endpoints) {
    return create(job, endpoints, DEFAULT_RECHECK_MARGIN, ExecutionWindow.DEFAULT_SLACK);
  }

  static CloudRunJobLauncher create(JobName job, CloudEndpoints endpoints, Duration recheckMargin) {
    return create(job, endpoints, recheckMargin, ExecutionWindow.DEFAULT_SLACK);
  }

  /**
   * @param windowSlack added to the job template's longest run: createTime to first task start, and
   *     clock difference ({@link ExecutionWindow})
   */
  static CloudRunJobLauncher create(
      JobName job, CloudEndpoints endpoints, Duration recheckMargin, Duration windowSlack) {
    try {
      JobsSettings.Builder jobSettings =
          endpoints.configure(CloudEndpoints.Api.RUN, JobsSettings.newHttpJsonBuilder());
      // jobs:run is not idempotent: one attempt, bounded; a failure is retried by redelivery.
      jobSettings.runJobSettings().setRetrySettings(singleAttempt());
      // Reads are retried in place on transient errors: with every call of a delivery able to fail,
      // failing the whole delivery on one of them spends Pub/Sub's delivery attempts (a fleet of
      // 50 under 20% faults dead-lettered a request after 5 deliveries of ~6 calls each).
      jobSettings
          .getJobSettings()
          .setRetryableCodes(TRANSIENT_READ_CODES)
          .setRetrySettings(readRetries());
      ExecutionsSettings.Builder executionSettings =
          endpoints.configure(CloudEndpoints.Api.RUN, ExecutionsSettings.newHttpJsonBuilder());
      executionSettings
          .listExecutionsSettings()
          .setRetryableCodes(TRANSIENT_READ_CODES)
          .setRetrySettings(readRetries());
      executionSettings.cancelExecutionSettings().setRetrySettings(singleAttempt());
      CloudRunJobLauncher launcher =
          new CloudRunJobLauncher(
              job,
              JobsClient.create(jobSettings.build()),
              ExecutionsClient.create(executionSettings.build()),
              recheckMargin,
              windowSlack);
      // Read the job's template while the instance starts, not on its first event.
      launcher.window.template();
      return launcher;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Run Admin API clients", e);
    }
  }

  /** What to run: the request (compact JSON, at most {@link #MAX_ENV_VALUE_BYTES}) and its ids. */
  record Launch(String requestId, String messageId, String requestJson, int taskCount) {}

  /** The execution that now serves the request. */
  sealed interface Outcome {
    String execution();

    int taskCount();

    /**
     * @param runAnsweredNanos {@link System#nanoTime()} when {@code jobs:run} answered
     */
    record Started(String execution, int taskCount, long runAnsweredNanos) implements Outcome {}

    /** The request was already running; nothing new was started. */
    record AlreadyRunning(String execution, int taskCount) implements Outcome {}
  }

  JobName job() {
    return job;
  }

  /**
   * Starts an execution unless one is running for the same request. Returns once Cloud Run has
   * answered {@code jobs:run}, not when the execution finishes.
   *
   * @throws ApiException when the Run API refuses or fails
   */
  Outcome launch(Launch launch) {
    long checkStarted = System.nanoTime();
    Instant windowStart =
        window.maxAge(launch.taskCount()).map(age -> Instant.now().minus(age)).orElse(null);
    Optional<Execution> running =
        calling(
            Call.LIST_EXECUTIONS, () -> oldestRunning(launch.requestId(), windowStart, checkPages));
    if (running.isPresent()) {
      return new Outcome.AlreadyRunning(running.get().getName(), running.get().getTaskCount());
    }
    Execution started = calling(Call.RUN_JOB, () -> run(launch));
    long runAnswered = System.nanoTime();
    Optional<Execution> winner =
        recheck(launch.requestId(), checkStartedOnServerClock(started, checkStarted));
    if (winner.isPresent() && !winner.get().getName().equals(started.getName())) {
      cancelQuietly(started.getName());
      return new Outcome.AlreadyRunning(winner.get().getName(), winner.get().getTaskCount());
    }
    return new Outcome.Started(started.getName(), launch.taskCount(), runAnswered);
  }

  /**
   * The race check after starting. Only executions created after the first check began can be
   * racers (an older one would have been found by it), so the scan stops there. If it fails, the
   * execution this call started stands: it does run, and reporting it is the truth.
   */
  private Optional<Execution> recheck(String requestId, Instant notBefore) {
    try {
      return oldestRunning(requestId, notBefore, recheckPages);
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  /**
   * When the first check began, on the Run API's clock: the new execution's createTime minus the
   * time elapsed here since, minus a margin for the two clocks' rates and request latency. Null
   * when the execution carries no createTime (then the re-check reads everything).
   */
  private Instant checkStartedOnServerClock(Execution started, long checkStartedNanos) {
    if (!started.hasCreateTime()) {
      return null;
    }
    Instant created =
        Instant.ofEpochSecond(
            started.getCreateTime().getSeconds(), started.getCreateTime().getNanos());
    return created.minusNanos(System.nanoTime() - checkStartedNanos).minus(recheckMargin);
  }

  private static <T> T calling(Call call, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (ApiException e) {
      throw new CallFailed(call, e);
    }
  }

  /**
   * The oldest execution of the job that has not completed and serves {@code requestId}.
   *
   * @param notBefore stop at executions created before this, provided the API lists newest first
   *     (the local cloud and Cloud Run do; the scan checks it and reads on if not); null = read all
   */
  Optional<Execution> oldestRunning(String requestId, Instant notBefore, ScanPageSize pages) {
    List<Execution> matching = new ArrayList<>();
    int scanned = 0;
    boolean atEdge = false;
    boolean newestFirst = true;
    long previous = Long.MAX_VALUE;
    long stopBefore = notBefore == null ? Long.MIN_VALUE : toNanos(notBefore);
    ListExecutionsRequest request =
        ListExecutionsRequest.newBuilder()
            .setParent(job.toString())
            .setPageSize(pages.first())
            .build();
    ExecutionsClient.ListExecutionsPage page =
        executions.listExecutionsPagedCallable().call(request, SCAN_FIELDS).getPage();
    scan:
    while (true) {
      for (Execution execution : page.getValues()) {
        if (++scanned > MAX_EXECUTIONS_SCANNED) {
          break scan;
        }
        long created = Timestamps.toNanos(execution.getCreateTime());
        newestFirst &= created <= previous;
        previous = created;
        if (newestFirst && created < stopBefore) {
          atEdge = true;
          break scan;
        }
        if (!execution.hasCompletionTime() && requestId.equals(requestIdOf(execution))) {
          matching.add(execution);
        }
      }
      if (!page.hasNextPage()) {
        break;
      }
      page = page.getNextPage(pages.next());
    }
    pages.observed(scanned, atEdge);
    return matching.stream()
        .min(
            Comparator.<Execution>comparingLong(e -> Timestamps.toNanos(e.getCreateTime()))
                .thenComparing(Execution::getName));
  }

  private static long toNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private Execution run(Launch launch) {
    RunJobRequest.Overrides.ContainerOverride.Builder container =
        RunJobRequest.Overrides.ContainerOverride.newBuilder();
    new JobEnvironment(launch.requestJson(), launch.requestId(), launch.messageId())
        .asEnv()
        .forEach((name, value) -> container.addEnv(env(name, value)));
    RunJobRequest request =
        RunJobRequest.newBuilder()
            .setName(job.toString())
            .setOverrides(
                RunJobRequest.Overrides.newBuilder()
                    .addContainerOverrides(container)
                    .setTaskCount(launch.taskCount()))
            .build();
    Operation operation = jobs.runJobCallable().call(request);
    if (operation.hasError()) {
      throw new RunOperationFailed(
          operation.getError().getCode(), operation.getError().getMessage());
    }
    return executionOf(operation);
  }

  /** {@code jobs:run}'s operation carries the Execution as metadata, and as response when done. */
  private static Execution executionOf(Operation operation) {
    try {
      if (operation.hasMetadata() && operation.getMetadata().is(Execution.class)) {
        return operation.getMetadata().unpack(Execution.class);
      }
      if (operation.hasResponse() && operation.getResponse().is(Execution.class)) {
        return operation.getResponse().unpack(Execution.class);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("jobs:run answered an unreadable Execution", e);
    }
    throw new IllegalStateException(
        "jobs:run answered operation " + operation.getName() + " without the Execution");
  }

  private void cancelQuietly(String execution) {
    try {
      executions
          .cancelExecutionCallable()
          .call(CancelExecutionRequest.newBuilder().setName(execution).build());
    } catch (ApiException e) {
      // The duplicate runs to completion; the job's steps are idempotent, so it changes nothing.
    }
  }

  /** The request an execution serves: its marker env, else the requestId inside the request. */
  static String requestIdOf(Execution execution) {
    String request = null;
    for (Container container : execution.getTemplate().getContainersList()) {
      for (EnvVar env : container.getEnvList()) {
        if (env.getName().equals(REQUEST_ID_ENV) && !env.getValue().isEmpty()) {
          return env.getValue();
        }
        if (env.getName().equals(REQUEST_ENV)) {
          request = env.getValue();
        }
      }
    }
    // Parsed only without the marker (a run started by hand): the scan reads ~100 executions per
    // event, and each one's env lists the request before the marker.
    return request == null ? null : requestIdInside(request);
  }

  private static String requestIdInside(String requestJson) {
    try {
      JsonElement tree = JsonParser.parseString(requestJson);
      if (tree.isJsonObject()) {
        JsonElement id = tree.getAsJsonObject().get("requestId");
        if (id != null && id.isJsonPrimitive()) {
          return id.getAsString();
        }
      }
    } catch (RuntimeException e) {
      // not a request we can read: not ours to deduplicate
    }
    return null;
  }

  private static EnvVar env(String name, String value) {
    return EnvVar.newBuilder().setName(name).setValue(value == null ? "" : value).build();
  }

  /** A read (jobs.get, a list page): up to {@link #READ_ATTEMPTS} tries, 100 ms doubling to 1 s. */
  private static RetrySettings readRetries() {
    return RetrySettings.newBuilder()
        .setMaxAttempts(READ_ATTEMPTS)
        .setInitialRetryDelayDuration(Duration.ofMillis(100))
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(Duration.ofSeconds(1))
        .setTotalTimeoutDuration(CALL_TIMEOUT)
        .setInitialRpcTimeoutDuration(CALL_TIMEOUT)
        .setMaxRpcTimeoutDuration(CALL_TIMEOUT)
        .setRpcTimeoutMultiplier(1.0)
        .build();
  }

  private static RetrySettings singleAttempt() {
    return RetrySettings.newBuilder()
        .setMaxAttempts(1)
        .setTotalTimeoutDuration(CALL_TIMEOUT)
        .setInitialRpcTimeoutDuration(CALL_TIMEOUT)
        .setMaxRpcTimeoutDuration(CALL_TIMEOUT)
        .setRpcTimeoutMultiplier(1.0)
        .build();
  }

  @Override
  public void close() {
    jobs.close();
    executions.close();
  }

  /** The Run API calls a launch makes; a failure's fix depends on which one failed. */
  enum Call {
    LIST_EXECUTIONS,
    RUN_JOB
  }

  /** A Run API call failed; the cause is the client's {@link ApiException}. */
  static final class CallFailed extends RuntimeException {
    private final Call call;

    CallFailed(Call call, Throwable cause) {
      super(call + " failed: " + cause.getMessage(), cause);
      this.call = call;
    }

    Call call() {
      return call;
    }
  }

  /** A {@code jobs:run} operation that came back already failed. */
  static final class RunOperationFailed extends RuntimeException {
    private final StatusCode.Code code;

    RunOperationFailed(int rpcCode, String message) {
      super(message);
      this.code = codeOf(rpcCode);
    }

    StatusCode.Code code() {
      return code;
    }

    private static StatusCode.Code codeOf(int rpcCode) {
      com.google.rpc.Code code = com.google.rpc.Code.forNumber(rpcCode);
      if (code == null || code == com.google.rpc.Code.UNRECOGNIZED) {
        return StatusCode.Code.UNKNOWN;
      }
      return StatusCode.Code.valueOf(code.name());
    }
  }
}
