package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.rpc.Code;
import com.google.rpc.Status;

/**
 * An error the way Google APIs report it: an HTTP status, the canonical status name, a reason and a
 * message that names the field and the fix. Thrown by handlers, rendered by the router.
 */
public final class ApiException extends RuntimeException {

  private final int httpStatus;
  private final Code code;
  private final String reason;

  public ApiException(int httpStatus, Code code, String reason, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.reason = reason;
  }

  public static ApiException invalidArgument(String field, String problem) {
    return new ApiException(
        400, Code.INVALID_ARGUMENT, "badRequest", "Invalid value for '" + field + "': " + problem);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, Code.INVALID_ARGUMENT, "badRequest", message);
  }

  public static ApiException notFound(String resourceName) {
    return new ApiException(
        404, Code.NOT_FOUND, "notFound", "Resource '" + resourceName + "' was not found");
  }

  public static ApiException notFoundMessage(String message) {
    return new ApiException(404, Code.NOT_FOUND, "notFound", message);
  }

  public static ApiException alreadyExists(String resourceName) {
    return new ApiException(
        409,
        Code.ALREADY_EXISTS,
        "alreadyExists",
        "Resource '" + resourceName + "' already exists");
  }

  /** Google's canonical mapping: FAILED_PRECONDITION is HTTP 400. */
  public static ApiException failedPrecondition(String message) {
    return new ApiException(400, Code.FAILED_PRECONDITION, "failedPrecondition", message);
  }

  /** HTTP 412, as Compute answers a stale fingerprint. */
  public static ApiException conditionNotMet(String message) {
    return new ApiException(412, Code.FAILED_PRECONDITION, "conditionNotMet", message);
  }

  public static ApiException aborted(String message) {
    return new ApiException(409, Code.ABORTED, "aborted", message);
  }

  public static ApiException rateLimited(String api) {
    return new ApiException(
        429,
        Code.RESOURCE_EXHAUSTED,
        "rateLimitExceeded",
        "Quota exceeded for " + api + " requests (injected fault); retry with backoff");
  }

  public static ApiException unavailable(String api) {
    return new ApiException(
        503,
        Code.UNAVAILABLE,
        "backendError",
        "The " + api + " service is currently unavailable (injected fault); retry with backoff");
  }

  public static ApiException internal(String message) {
    return new ApiException(500, Code.INTERNAL, "backendError", message);
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Code code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** The {@code google.rpc.Status} an operation carries in {@code error}. */
  public Status toStatus() {
    return Status.newBuilder().setCode(code.getNumber()).setMessage(getMessage()).build();
  }

  /** {@code {"error":{"code":409,"message":...,"status":"ALREADY_EXISTS","errors":[...]}}}. */
  public JsonObject toJson() {
    JsonObject item = new JsonObject();
    item.addProperty("message", getMessage());
    item.addProperty("domain", "global");
    item.addProperty("reason", reason);
    JsonArray errors = new JsonArray();
    errors.add(item);
    JsonObject error = new JsonObject();
    error.addProperty("code", httpStatus);
    error.addProperty("message", getMessage());
    error.add("errors", errors);
    error.addProperty("status", code.name());
    JsonObject body = new JsonObject();
    body.add("error", error);
    return body;
  }
}
