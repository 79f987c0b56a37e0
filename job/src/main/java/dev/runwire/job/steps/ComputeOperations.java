package dev.runwire.job.steps;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Operation;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import java.util.stream.Collectors;

/**
 * Waits for a Compute operation. A failed one reaches Java only as its HTTP reason ("BAD REQUEST");
 * the detail ("Invalid IPCidrRange: ... conflicts with existing subnetwork ...") is in the
 * operation's {@code error.errors[]}, so it is read from there for the step's message.
 */
final class ComputeOperations {

  private ComputeOperations() {}

  /**
   * @param region the operation's region, or {@code null} for a global one (networks, firewalls)
   */
  static Operation await(
      StepContext ctx,
      CloudClients clients,
      OperationFuture<Operation, Operation> operation,
      String project,
      String region,
      String what) {
    try {
      return ctx.await(operation, what);
    } catch (ApiException e) {
      if (ApiErrors.isTransient(e) || ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
      String detail = detail(ctx, clients, operation, project, region);
      if (detail == null) {
        throw e;
      }
      throw new StepFailure(e.getStatusCode().getCode().name(), what + " failed: " + detail, e);
    }
  }

  private static String detail(
      StepContext ctx,
      CloudClients clients,
      OperationFuture<Operation, Operation> operation,
      String project,
      String region) {
    try {
      // The Java client names a Compute operation "<name>:<project>[:<region>]".
      String name = operation.getName().split(":")[0];
      Operation done =
          ctx.call(
              () ->
                  region == null
                      ? clients.globalOperations().get(project, name)
                      : clients.regionOperations().get(project, region, name));
      String errors =
          done.getError().getErrorsList().stream()
              .map(error -> error.getMessage())
              .filter(m -> !m.isEmpty())
              .collect(Collectors.joining("; "));
      return errors.isEmpty() ? null : errors;
    } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
      // The call failed before an operation existed (a synchronous 400): its body said it all.
      return null;
    }
  }
}
