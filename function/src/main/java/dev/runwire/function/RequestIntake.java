package dev.runwire.function;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.function.CloudRunJobLauncher.Launch;
import dev.runwire.function.CloudRunJobLauncher.Outcome;
import dev.runwire.function.MessagePublishedDecoder.Decoding;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.cloud.StructuredLog;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What happens to one delivered message: unreadable, invalid or refused by the deployment policy →
 * one {@code rejected} event, the message is acknowledged; valid → the job runs (or the running
 * execution is reused) and an {@code accepted} event names the execution; the Run API fails →
 * transient errors throw so Pub/Sub redelivers, permanent ones publish {@code launch-failed} with
 * the fix.
 */
final class RequestIntake {

  private final RequestValidator validator;
  private final CloudRunJobLauncher launcher;
  private final EventSink events;
  private final FunctionConfig config;
  private final StructuredLog log;
  private final Clock clock;

  RequestIntake(
      RequestValidator validator,
      CloudRunJobLauncher launcher,
      EventSink events,
      FunctionConfig config,
      StructuredLog log,
      Clock clock) {
    this.validator = validator;
    this.launcher = launcher;
    this.events = events;
    this.config = config;
    this.log = log;
    this.clock = clock;
    // One line with every knob at start-up, so an operator sees what publishers may ask for.
    log.info(config.policy().describe(), Map.of());
  }

  /**
   * @throws LaunchFailedException when the message must be redelivered: a transient Run API error,
   *     or a permanent one with {@code RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES=true}
   */
  void handle(Decoding decoding, long receivedNanos) {
    if (decoding instanceof Decoding.Unreadable unreadable) {
      reject(unreadable.messageId(), null, unreadable.problems());
    } else if (decoding instanceof Decoding.Readable readable) {
      handle(readable.message(), receivedNanos);
    }
  }

  private void handle(PublishedMessage message, long receivedNanos) {
    ValidationResult result = validator.validate(message.data());
    if (!result.valid()) {
      reject(message.messageId(), result.requestIdIfKnown(), result.problems());
      return;
    }
    ProvisioningRequest request = result.request();
    // Pub/Sub carries no publisher identity: what a request may ask for is the deployment
    // policy's to say, decided here from the request alone, before any execution starts.
    List<Problem> refusals = config.policy().refusals(request);
    if (!refusals.isEmpty()) {
      reject(message.messageId(), request.requestId(), refusals);
      return;
    }
    // Compact, but exactly the fields the publisher sent: the job validates the same request.
    String requestJson =
        JsonParser.parseString(new String(message.data(), StandardCharsets.UTF_8)).toString();
    int jsonBytes = requestJson.getBytes(StandardCharsets.UTF_8).length;
    if (jsonBytes > CloudRunJobLauncher.MAX_ENV_VALUE_BYTES) {
      reject(
          message.messageId(),
          request.requestId(),
          List.of(
              new Problem(
                  "",
                  "the request is "
                      + jsonBytes
                      + " bytes without whitespace; a Cloud Run env value holds at most "
                      + CloudRunJobLauncher.MAX_ENV_VALUE_BYTES
                      + ": split it into smaller requests")));
      return;
    }
    launch(message, request, requestJson, receivedNanos);
  }

  private void launch(
      PublishedMessage message,
      ProvisioningRequest request,
      String requestJson,
      long receivedNanos) {
    int taskCount = taskCount(request);
    Map<String, String> labels = labels(request.requestId(), message.messageId());
    Outcome outcome;
    try {
      outcome =
          launcher.launch(
              new Launch(request.requestId(), message.messageId(), requestJson, taskCount));
    } catch (RuntimeException e) {
      failed(LaunchFailure.of(e, launcher.job()), request, message, labels);
      return;
    }
    boolean duplicate = outcome instanceof Outcome.AlreadyRunning;
    labels.put("execution", outcome.execution());
    // Latency, for dashboards and the benchmark: CloudEvent received -> jobs:run answered, and ->
    // the outcome known (after the duplicate re-check).
    JsonObject latency = new JsonObject();
    if (outcome instanceof Outcome.Started started) {
      latency.addProperty("runAnsweredMs", millisSince(receivedNanos, started.runAnsweredNanos()));
    }
    latency.addProperty("decidedMs", millisSince(receivedNanos, System.nanoTime()));
    JsonObject payload = new JsonObject();
    payload.add("latency", latency);
    log.write(
        StructuredLog.Severity.INFO,
        duplicate
            ? "request is already running; no new execution started"
            : "request accepted; execution started",
        labels,
        payload);
    publish(
        new AcceptedEvent(
            null,
            request.requestId(),
            message.messageId(),
            request.mode().wire(),
            outcome.execution(),
            outcome.taskCount(),
            duplicate,
            clock.instant()));
  }

  private void failed(
      LaunchFailure failure,
      ProvisioningRequest request,
      PublishedMessage message,
      Map<String, String> labels) {
    labels.put("code", failure.code());
    if (failure instanceof LaunchFailure.Transient t) {
      log.warning(
          "the Run API failed transiently (" + t.message() + "); the message will be redelivered",
          labels);
      throw new LaunchFailedException(
          "transient " + t.code() + " from the Run API; Pub/Sub redelivers the message");
    }
    if (failure instanceof LaunchFailure.Permanent p) {
      boolean redeliver = config.deadLetterPermanentFailures();
      log.error("the job could not be started: " + p.reason() + "; fix: " + p.fix(), labels);
      publish(
          new LaunchFailedEvent(
              null,
              request.requestId(),
              message.messageId(),
              p.code(),
              p.reason(),
              p.fix(),
              redeliver,
              clock.instant()));
      if (redeliver) {
        throw new LaunchFailedException(
            "permanent "
                + p.code()
                + " from the Run API; thrown so the dead-letter topic collects the message");
      }
    }
  }

  private void reject(String messageId, String requestId, List<Problem> problems) {
    Map<String, String> labels = labels(requestId, messageId);
    labels.put("problems", Integer.toString(problems.size()));
    log.warning("request rejected: " + problems, labels);
    publish(new RejectedEvent(null, requestId, messageId, clock.instant(), problems));
  }

  private void publish(dev.runwire.schemas.events.RunwireEvent event) {
    events.publish(event);
    // Cloud Run throttles CPU once the function returns: deliver before acknowledging.
    events.flush();
  }

  private static double millisSince(long fromNanos, long toNanos) {
    return Math.round((toNanos - fromNanos) / 10_000.0) / 100.0;
  }

  /** One task, or one per region for a scoped drift check, capped by RUNWIRE_MAX_TASKS. */
  int taskCount(ProvisioningRequest request) {
    if (!request.isScoped()) {
      return 1;
    }
    return Math.max(1, Math.min(request.scope().regions().size(), config.maxTasks()));
  }

  private static Map<String, String> labels(String requestId, String messageId) {
    Map<String, String> labels = new HashMap<>();
    labels.put("requestId", requestId);
    labels.put("messageId", messageId);
    return labels;
  }

  /** Thrown to make the invoker answer 500, so Pub/Sub redelivers the message. */
  static final class LaunchFailedException extends RuntimeException {
    LaunchFailedException(String message) {
      super(message);
    }
  }
}
