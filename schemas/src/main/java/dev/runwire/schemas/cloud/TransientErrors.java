package dev.runwire.schemas.cloud;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode.Code;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one classification of Google API errors that both the job (retry one call) and the function
 * (let Pub/Sub redeliver) use: which errors are worth trying again, and the two that look transient
 * by status but are not.
 *
 * <p>Transient: UNAVAILABLE (503), RESOURCE_EXHAUSTED (429), DEADLINE_EXCEEDED (504), INTERNAL
 * (500), UNKNOWN (an HTTP status gax cannot map, e.g. 502), CANCELLED, ABORTED (409) unless the
 * body says ALREADY_EXISTS (gax maps every 409 to ABORTED, googleapis/sdk-platform-java#2620), and
 * Compute's rate limit, a 403 with reason {@code rateLimitExceeded}
 * (cloud.google.com/compute/docs/api-rate-limits). The Terraform provider retries the same set
 * (magic-modules transport/error_retry_predicates.go: 429, 500, 502, 503 and rateLimitExceeded).
 */
public final class TransientErrors {

  private static final Set<Code> TRANSIENT =
      EnumSet.of(
          Code.UNAVAILABLE,
          Code.RESOURCE_EXHAUSTED,
          Code.DEADLINE_EXCEEDED,
          Code.ABORTED,
          Code.INTERNAL,
          Code.UNKNOWN,
          Code.CANCELLED);

  private TransientErrors() {}

  /** Worth trying again: see the class comment for the list. */
  public static boolean isTransient(Throwable error) {
    Throwable e = unwrap(error);
    if (!(e instanceof ApiException api)) {
      return false;
    }
    Code code = api.getStatusCode().getCode();
    if (TRANSIENT.contains(code)) {
      return !isAlreadyExists(e);
    }
    if (code == Code.PERMISSION_DENIED) {
      String body = responseBody(e);
      return (body != null && body.contains("rateLimitExceeded"))
          || "rateLimitExceeded".equals(api.getReason());
    }
    return false;
  }

  /** ALREADY_EXISTS, also when gax reports the 409 as ABORTED (the body says which). */
  public static boolean isAlreadyExists(Throwable error) {
    Throwable e = unwrap(error);
    if (!(e instanceof ApiException api)) {
      return false;
    }
    if (api.getStatusCode().getCode() == Code.ALREADY_EXISTS) {
      return true;
    }
    String body = responseBody(e);
    return api.getStatusCode().getCode() == Code.ABORTED
        && body != null
        && (body.contains("ALREADY_EXISTS") || body.contains("alreadyExists"));
  }

  /** The exception an operation future or a thread pool wrapped. */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof ExecutionException || current instanceof CompletionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** The HTTP response body behind an error of the REST transport, or {@code null}. */
  public static String responseBody(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException http) {
        return http.getContent();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
