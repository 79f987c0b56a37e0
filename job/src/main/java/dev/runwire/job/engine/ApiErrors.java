package dev.runwire.job.engine;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode.Code;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.runwire.schemas.cloud.TransientErrors;
import dev.runwire.schemas.events.EventError;

/**
 * How the job reads Google API errors: "not found", "failed precondition" and the API's own message
 * for an event; what is transient and "already exists" is {@link TransientErrors}'s call (shared
 * with the function).
 */
public final class ApiErrors {

  private ApiErrors() {}

  /** The exception an operation future or a thread pool wrapped. */
  public static Throwable unwrap(Throwable error) {
    return TransientErrors.unwrap(error);
  }

  /** Worth retrying, by the classification the job and the function share. */
  public static boolean isTransient(Throwable error) {
    return TransientErrors.isTransient(error);
  }

  public static boolean isAlreadyExists(Throwable error) {
    return TransientErrors.isAlreadyExists(error);
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
    return TransientErrors.responseBody(error);
  }
}
