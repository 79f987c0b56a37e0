package dev.runwire.function;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.JobName;
import dev.runwire.schemas.cloud.TransientErrors;

/**
 * Why a valid request could not be started, and whether trying again can help. What is transient is
 * {@link TransientErrors}'s call (the job uses the same); this maps the rest to what to fix:
 * transient ones are redelivered by Pub/Sub with backoff, permanent ones need a person and say what
 * to fix.
 */
sealed interface LaunchFailure {

  String code();

  /** Redelivery may succeed: the service was unavailable, overloaded or slow. */
  record Transient(String code, String message) implements LaunchFailure {}

  /** Redelivery cannot succeed until someone changes the deployment. */
  record Permanent(String code, String reason, String fix) implements LaunchFailure {}

  static LaunchFailure of(Throwable error, JobName job) {
    StatusCode.Code code = codeOf(error);
    String detail = detailOf(error, code);
    // What is transient is the shared classification's call; an error with no API status (the
    // call never reached Cloud Run) is redelivered too.
    if (code == null || TransientErrors.isTransient(apiErrorOf(error))) {
      return new Transient(code == null ? "UNKNOWN" : code.name(), detail);
    }
    String jobName = job.toString();
    if (code == StatusCode.Code.PERMISSION_DENIED
        && callOf(error) == CloudRunJobLauncher.Call.LIST_EXECUTIONS) {
      return new Permanent(
          code.name(),
          "the function's service account may not list the executions of "
              + jobName
              + " (the duplicate check needs it): "
              + detail,
          "grant roles/run.viewer on the job to the function's service account (it needs"
              + " run.executions.list)");
    }
    return switch (code) {
      case NOT_FOUND ->
          new Permanent(
              code.name(),
              "the job " + jobName + " does not exist: " + detail,
              "deploy the job first: terraform-bootstrap (terraform apply) creates it; or set "
                  + FunctionConfig.JOB_ENV
                  + " to the full name of an existing job");
      case PERMISSION_DENIED ->
          new Permanent(
              code.name(),
              "the function's service account may not run "
                  + jobName
                  + " with overrides: "
                  + detail,
              "grant roles/run.jobsExecutorWithOverrides on the job to the function's service account"
                  + " (gcloud run jobs add-iam-policy-binding "
                  + job.getJob()
                  + " --region="
                  + job.getLocation()
                  + " --member=serviceAccount:SA --role=roles/run.jobsExecutorWithOverrides)");
      case UNAUTHENTICATED ->
          new Permanent(
              code.name(),
              "the Cloud Run Admin API did not accept the function's credentials: " + detail,
              "run the function as a service account (Cloud Run functions always have one); for a"
                  + " local run set RUNWIRE_LOCAL_CLOUD to the local cloud's URL");
      case INVALID_ARGUMENT ->
          new Permanent(
              code.name(),
              "Cloud Run rejected the run request for " + jobName + ": " + detail,
              "the job must have exactly one container (the override targets it) and accept "
                  + FunctionConfig.MAX_TASKS_ENV
                  + " tasks; fix the job with terraform-bootstrap or lower "
                  + FunctionConfig.MAX_TASKS_ENV);
      case FAILED_PRECONDITION ->
          new Permanent(
              code.name(),
              "the job " + jobName + " cannot run now: " + detail,
              "check the job's last deployment (gcloud run jobs describe "
                  + job.getJob()
                  + " --region="
                  + job.getLocation()
                  + "), redeploy it with terraform-bootstrap, then publish the request again");
      default ->
          new Permanent(
              code.name(),
              "Cloud Run refused to run " + jobName + ": " + detail,
              "check the job and the function's configuration, then publish the request again");
    };
  }

  /** The API error itself, or a stand-in with the status of a failed run operation. */
  private static Throwable apiErrorOf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ApiException) {
        return t;
      }
      if (t instanceof CloudRunJobLauncher.RunOperationFailed failed) {
        return ApiExceptionFactory.createException(
            failed.getMessage(), null, HttpJsonStatusCode.of(failed.code()), false);
      }
    }
    return error;
  }

  private static CloudRunJobLauncher.Call callOf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CloudRunJobLauncher.CallFailed failed) {
        return failed.call();
      }
    }
    return CloudRunJobLauncher.Call.RUN_JOB;
  }

  private static StatusCode.Code codeOf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api.getStatusCode().getCode();
      }
      if (t instanceof CloudRunJobLauncher.RunOperationFailed failed) {
        return failed.code();
      }
    }
    return null;
  }

  /** The API's own message, shortened; it names resources, never credentials. */
  private static String detailOf(Throwable error, StatusCode.Code code) {
    String message = null;
    for (Throwable t = error; t != null && message == null; t = t.getCause()) {
      if (t instanceof ApiException || t instanceof CloudRunJobLauncher.RunOperationFailed) {
        message = t.getMessage();
      }
    }
    if (message == null) {
      message = error.getClass().getSimpleName() + ": " + error.getMessage();
    } else if (code != null) {
      message = message.replaceFirst("^[a-zA-Z.]*Exception: ", "");
    }
    message = message.replace('\n', ' ').strip();
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }
}
