package dev.runwire.job.engine;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.runwire.schemas.events.EventError;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that reads Google API errors: which are transient, which mean "already exists" or
 * "not found", and the API's own message for an event.
 */
public final class ApiErrors {

  private static final Set<Code> TRANSIENT =
      EnumSet.of(Code.UNAVAILABLE, Code.RESOURCE_EXHAUSTED, Code.DEADLINE_EXCEEDED, Code.ABORTED);

  private ApiErrors() {}

  /** The exception an operation future or a thread pool wrapped. */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof ExecutionException || current instanceof CompletionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Worth retrying: UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ABORTED (HTTP 429, 503,
   * 504, a 409 that is not "already exists"), and Compute's 403 {@code rateLimitExceeded}.
   */
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

  public static boolean isAlreadyExists(Throwable error) {
    Throwable e = unwrap(error);
    if (!(e instanceof ApiException api)) {
      return false;
    }
    if (api.getStatusCode().getCode() == Code.ALREADY_EXISTS) {
      return true;
    }
    // gax maps a 409 to ABORTED unless the error text says ALREADY_EXISTS; read the body.
    String body = responseBody(e);
    return api.getStatusCode().getCode() == Code.ABORTED
        && body != null
        && (body.contains("ALREADY_EXISTS") || body.contains("alreadyExists"));
  }

  public static boolean isNotFound(Throwable error) {
    return unwrap(error) instanceof ApiException api
        && api.getStatusCode().getCode() == Code.NOT_FOUND;
  }

  public static boolean isFailedPrecondition(Throwable error) {
    return unwrap(error) instanceof ApiException api
        && api.getStatusCode().getCode() == Code.FAILED_PRECONDITION;
  }

  /** The error for a step event: the API status and the API's message, or a named reason. */
  public static EventError toEventError(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof StepFailure failure) {
      return new EventError(failure.reason(), failure.getMessage());
    }
    if (e instanceof ApiException api) {
      return new EventError(api.getStatusCode().getCode().name(), apiMessage(api));
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new EventError(Reasons.INTERNAL, message);
  }

  /** {@code error.message} from the response body when there is one, else the exception's. */
  static String apiMessage(ApiException api) {
    String body = responseBody(api);
    if (body != null) {
      try {
        JsonElement json = JsonParser.parseString(body);
        if (json.isJsonObject()
            && json.getAsJsonObject().has("error")
            && json.getAsJsonObject().get("error").isJsonObject()) {
          JsonElement message = json.getAsJsonObject().getAsJsonObject("error").get("message");
          if (message != null && message.isJsonPrimitive()) {
            return message.getAsString();
          }
        }
      } catch (RuntimeException notJson) {
        // fall through to the exception's own message
      }
    }
    return api.getMessage();
  }

  private static String responseBody(Throwable error) {
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
