package dev.runwire.emulator.compute;

import com.google.rpc.Code;
import dev.runwire.emulator.core.ApiException;

/**
 * Errors the way Compute words them: {@code The resource 'projects/p/global/networks/n' was not
 * found}, {@code Invalid value for field 'resource.name': 'X'. ...}, reasons {@code notFound},
 * {@code alreadyExists}, {@code invalid}, {@code conditionNotMet}, {@code rateLimitExceeded}.
 */
final class ComputeErrors {

  private ComputeErrors() {}

  static ApiException notFound(String relativeName) {
    return new ApiException(
        404, Code.NOT_FOUND, "notFound", "The resource '" + relativeName + "' was not found");
  }

  static ApiException alreadyExists(String relativeName) {
    return new ApiException(
        409,
        Code.ALREADY_EXISTS,
        "alreadyExists",
        "The resource '" + relativeName + "' already exists");
  }

  /** 400 naming the field and its value, e.g. {@code resource.ipCidrRange}. */
  static ApiException invalid(String field, String value, String problem) {
    return new ApiException(
        400,
        Code.INVALID_ARGUMENT,
        "invalid",
        "Invalid value for field '" + field + "': '" + value + "'. " + problem);
  }

  static ApiException required(String field, String hint) {
    return new ApiException(
        400,
        Code.INVALID_ARGUMENT,
        "required",
        "Required field '" + field + "' not specified; " + hint);
  }

  /** 400 {@code resourceInUseByAnotherResource}: the delete of a resource something still uses. */
  static ApiException inUse(String kind, String relativeName, String user) {
    return new ApiException(
        400,
        Code.FAILED_PRECONDITION,
        "resourceInUseByAnotherResource",
        "The " + kind + " resource '" + relativeName + "' is already being used by '" + user + "'");
  }

  /** 412, as Compute answers a missing or stale fingerprint. */
  static ApiException fingerprintMismatch(String relativeName) {
    return new ApiException(
        412,
        Code.FAILED_PRECONDITION,
        "conditionNotMet",
        "Supplied fingerprint does not match current fingerprint of '"
            + relativeName
            + "'; get the resource again and send its current fingerprint with the patch");
  }

  /** Compute rate limiting: 403 with reason rateLimitExceeded (not 429). */
  static ApiException rateLimited() {
    return new ApiException(
        403,
        Code.RESOURCE_EXHAUSTED,
        "rateLimitExceeded",
        "Rate Limit Exceeded (injected fault); retry with backoff");
  }

  static ApiException quotaExceeded(String quota, String why) {
    return new ApiException(
        403,
        Code.RESOURCE_EXHAUSTED,
        "quotaExceeded",
        "Quota '" + quota + "' exceeded: " + why + "; delete unused resources first");
  }

  static ApiException internal(String message) {
    return new ApiException(500, Code.INTERNAL, "backendError", message);
  }

  /** The {@code error.errors[].code} of a failed operation, from the error's reason. */
  static String operationErrorCode(ApiException e) {
    return switch (e.reason()) {
      case "alreadyExists" -> "RESOURCE_ALREADY_EXISTS";
      case "notFound" -> "RESOURCE_NOT_FOUND";
      case "resourceInUseByAnotherResource" -> "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE";
      case "invalid", "required", "badRequest" -> "INVALID_USAGE";
      case "conditionNotMet" -> "CONDITION_NOT_MET";
      default -> "INTERNAL_ERROR";
    };
  }

  /** What Compute puts in {@code httpErrorMessage}: the HTTP reason phrase in capitals. */
  static String reasonPhrase(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "BAD REQUEST";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT FOUND";
      case 409 -> "CONFLICT";
      case 412 -> "PRECONDITION FAILED";
      case 429 -> "TOO MANY REQUESTS";
      case 503 -> "SERVICE UNAVAILABLE";
      default -> "INTERNAL SERVER ERROR";
    };
  }
}
