package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.JobName;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LaunchFailureTest {

  private static final JobName JOB = JobName.of("p", "europe-west1", "runwire-job");

  @ParameterizedTest
  @EnumSource(
      value = StatusCode.Code.class,
      names = {"UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "ABORTED", "INTERNAL"})
  void overloadAndOutageAreTransient(StatusCode.Code code) {
    LaunchFailure failure = LaunchFailure.of(apiError(code, "try later"), JOB);

    assertEquals(code.name(), assertInstanceOf(LaunchFailure.Transient.class, failure).code());
  }

  @Test
  void missingJobIsPermanentAndSaysToDeployIt() {
    LaunchFailure.Permanent failure =
        permanent(apiError(StatusCode.Code.NOT_FOUND, "Resource 'runwire-job' was not found"));

    assertEquals("NOT_FOUND", failure.code());
    assertTrue(failure.reason().contains("projects/p/locations/europe-west1/jobs/runwire-job"));
    assertTrue(failure.fix().contains("deploy the job first: terraform-bootstrap"));
  }

  @Test
  void permissionDeniedIsPermanentAndNamesTheRole() {
    LaunchFailure.Permanent failure =
        permanent(apiError(StatusCode.Code.PERMISSION_DENIED, "run.jobs.runWithOverrides denied"));

    assertTrue(
        failure
            .fix()
            .contains(
                "grant roles/run.jobsExecutorWithOverrides on the job to the function's service"
                    + " account"));
    assertTrue(failure.fix().contains("--region=europe-west1"));
  }

  @Test
  void permissionDeniedOnTheDuplicateCheckNamesTheListPermission() {
    Exception error =
        new CloudRunJobLauncher.CallFailed(
            CloudRunJobLauncher.Call.LIST_EXECUTIONS,
            apiError(StatusCode.Code.PERMISSION_DENIED, "run.executions.list denied"));

    LaunchFailure.Permanent failure = permanent(error);

    assertTrue(failure.fix().contains("run.executions.list"), failure.fix());
    assertTrue(failure.reason().endsWith("run.executions.list denied"), failure.reason());
  }

  @ParameterizedTest
  @EnumSource(
      value = StatusCode.Code.class,
      names = {"INVALID_ARGUMENT", "FAILED_PRECONDITION", "UNAUTHENTICATED", "ALREADY_EXISTS"})
  void refusalsThatNeedAPersonArePermanentWithAFix(StatusCode.Code code) {
    LaunchFailure.Permanent failure = permanent(apiError(code, "no"));

    assertEquals(code.name(), failure.code());
    assertTrue(failure.reason().endsWith("no"), failure.reason());
    assertTrue(!failure.fix().isBlank());
  }

  @Test
  void errorWrappedInAFutureIsStillClassifiedByItsStatus() {
    Exception wrapped =
        new ExecutionException(apiError(StatusCode.Code.PERMISSION_DENIED, "denied"));

    assertEquals("PERMISSION_DENIED", permanent(wrapped).code());
  }

  @Test
  void failedRunOperationIsClassifiedByItsRpcCode() {
    LaunchFailure failure =
        LaunchFailure.of(new CloudRunJobLauncher.RunOperationFailed(9, "job not ready"), JOB);

    assertEquals(
        "FAILED_PRECONDITION", assertInstanceOf(LaunchFailure.Permanent.class, failure).code());
  }

  @Test
  void errorWithoutAnApiStatusIsTransient() {
    LaunchFailure failure =
        LaunchFailure.of(new RuntimeException(new ConnectException("refused")), JOB);

    assertEquals("UNKNOWN", assertInstanceOf(LaunchFailure.Transient.class, failure).code());
  }

  private static LaunchFailure.Permanent permanent(Throwable error) {
    return assertInstanceOf(LaunchFailure.Permanent.class, LaunchFailure.of(error, JOB));
  }

  private static RuntimeException apiError(StatusCode.Code code, String message) {
    return ApiExceptionFactory.createException(
        message, new RuntimeException(message), HttpJsonStatusCode.of(code), false);
  }
}
