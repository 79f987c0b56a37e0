package dev.runwire.job.steps;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.cloud.compute.v1.Error;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Operation.Status;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiCall;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one way a step calls Compute and waits: start the mutation (one call), then poll its
 * operation until DONE (one call per poll), for one step's {@link ComputeLocation}. Each call goes
 * through the step's retry policy on its own, so a transient fault while waiting repeats that poll,
 * not the mutation and not the wait. The mutation carries a {@code requestId}, so a retried start
 * is answered with the same operation.
 *
 * <p>A failed operation reaches Java only as its HTTP reason ("BAD REQUEST"); the detail ("Invalid
 * IPCidrRange: ... conflicts with existing subnetwork ...") is in {@code error.errors[]}, so the
 * step's message is read from there (GCP-FACTS 5: the Java client reads failure from {@code
 * httpErrorStatusCode}).
 */
final class ComputeMutations {

  /**
   * Compute's {@code error.errors[].code} (reason {@code resourceInUseByAnotherResource}) for a
   * delete of something another resource still uses; a failure with it carries it as its reason.
   */
  static final String IN_USE = "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE";

  private final CloudClients clients;
  private final ComputeLocation location;

  ComputeMutations(CloudClients clients, ComputeLocation location) {
    this.clients = clients;
    this.location = location;
  }

  /**
   * A Compute {@code requestId}: the same for a retry of the same change within one execution, so
   * Compute runs it once; different across executions, so a later run is never answered with an old
   * operation.
   */
  static String requestId(String executionId, String step, String verb) {
    return UUID.nameUUIDFromBytes(
            (executionId + "/" + step + "/" + verb).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * Compute's words when a delete is refused because something still uses the resource, from a
   * failed operation or from a call refused outright; empty for any other failure.
   */
  static java.util.Optional<String> inUse(RuntimeException e) {
    if (e instanceof StepFailure f && IN_USE.equals(f.reason())) {
      return java.util.Optional.of(f.getMessage());
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && (message.contains("resourceInUseByAnotherResource")
              || message.contains("is already being used by"))) {
        return java.util.Optional.of(message);
      }
    }
    return java.util.Optional.empty();
  }

  /** Starts a mutation of a regional resource (subnet, address, router) and waits for it. */
  Operation regional(StepContext ctx, String what, ApiCall<Operation> start) {
    return run(ctx, location.region(), what, start);
  }

  /** Starts a mutation of a global resource (firewall) and waits for it. */
  Operation global(StepContext ctx, String what, ApiCall<Operation> start) {
    return run(ctx, null, what, start);
  }

  private Operation run(StepContext ctx, String region, String what, ApiCall<Operation> start) {
    Operation started = ctx.call(start);
    Operation done =
        started.getStatus() == Status.DONE
            ? started
            : ctx.waits()
                .untilAfterPause(
                    () -> ctx.call(() -> poll(region, started.getName())),
                    op -> op.getStatus() == Status.DONE,
                    ctx.deadline(),
                    what);
    failIfFailed(done, what);
    return done;
  }

  private Operation poll(String region, String operation) {
    return region == null
        ? clients.globalOperations().get(location.project(), operation)
        : clients.regionOperations().get(location.project(), region, operation);
  }

  private static void failIfFailed(Operation done, String what) {
    int status = done.getHttpErrorStatusCode();
    Error errors = done.getError();
    if (status == 0 && errors.getErrorsCount() == 0) {
      return;
    }
    String detail =
        errors.getErrorsList().stream()
            .map(Errors::getMessage)
            .filter(m -> !m.isEmpty())
            .collect(Collectors.joining("; "));
    if (detail.isEmpty()) {
      detail = done.getHttpErrorMessage();
    }
    Code code = status == 0 ? Code.UNKNOWN : HttpJsonStatusCode.of(status).getCode();
    boolean alreadyExists =
        code == Code.ALREADY_EXISTS
            || errors.getErrorsList().stream().anyMatch(e -> e.getCode().equals("alreadyExists"));
    if (alreadyExists) {
      // The step's create treats "already exists" as "observe again".
      throw ApiExceptionFactory.createException(
          what + " failed: " + detail, null, HttpJsonStatusCode.of(Code.ALREADY_EXISTS), false);
    }
    boolean inUse = errors.getErrorsList().stream().anyMatch(e -> e.getCode().equals(IN_USE));
    throw new StepFailure(inUse ? IN_USE : code.name(), what + " failed: " + detail);
  }
}
