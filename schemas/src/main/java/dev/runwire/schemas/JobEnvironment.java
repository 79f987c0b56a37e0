package dev.runwire.schemas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the function hands to a job execution, as container environment variables (run overrides:
 * env merges into the job's own), and what the job reads back. One type on both sides, so the names
 * cannot drift apart. A person may set {@link #REQUEST} alone with {@code gcloud run jobs execute
 * --update-env-vars}; the job then finds the request id inside the request.
 *
 * @param requestJson the provisioning request, compact JSON
 * @param requestId the request's id, so a duplicate check can find the execution without parsing
 * @param messageId the Pub/Sub message that asked for it, for tracing
 */
public record JobEnvironment(String requestJson, String requestId, String messageId) {

  /** The provisioning request (JSON). */
  public static final String REQUEST = "RUNWIRE_REQUEST";

  /** The request's {@code requestId}: marks the execution that serves it. */
  public static final String REQUEST_ID = "RUNWIRE_REQUEST_ID";

  /** The Pub/Sub message id the request came in. */
  public static final String MESSAGE_ID = "RUNWIRE_MESSAGE_ID";

  /** Where events go, set by the deployment on the function and the job alike. */
  public static final String EVENTS_TOPIC = "RUNWIRE_EVENTS_TOPIC";

  /** The values the job reads from its environment (blank ones as {@code null}). */
  public static JobEnvironment from(Map<String, String> env) {
    return new JobEnvironment(
        blankToNull(env.get(REQUEST)),
        blankToNull(env.get(REQUEST_ID)),
        blankToNull(env.get(MESSAGE_ID)));
  }

  /** The variables to set on an execution, in a stable order (a missing value as empty). */
  public Map<String, String> asEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(REQUEST, requestJson == null ? "" : requestJson);
    env.put(REQUEST_ID, requestId == null ? "" : requestId);
    env.put(MESSAGE_ID, messageId == null ? "" : messageId);
    return env;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
