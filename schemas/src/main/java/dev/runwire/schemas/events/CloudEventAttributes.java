package dev.runwire.schemas.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The CloudEvents Pub/Sub protocol binding (binary mode): context attributes become message
 * attributes prefixed {@code ce-}; {@code data} is the event JSON. runwire adds {@code requestId},
 * {@code step} and {@code status} so subscribers can filter without parsing data.
 */
public final class CloudEventAttributes {

  public static final String SPEC_VERSION = "1.0";

  private CloudEventAttributes() {}

  /**
   * @param source the CloudEvents source, e.g. {@code
   *     //run.googleapis.com/projects/p/locations/r/jobs/runwire-job}
   */
  public static Map<String, String> of(RunwireEvent event, String source, Instant time) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("ce-specversion", SPEC_VERSION);
    attributes.put("ce-type", event.ceType());
    attributes.put("ce-source", source);
    attributes.put("ce-id", UUID.randomUUID().toString());
    attributes.put("ce-time", time.toString());
    attributes.put("content-type", "application/json");
    if (event.requestId() != null) {
      attributes.put("requestId", event.requestId());
    }
    if (event instanceof StepEvent step) {
      attributes.put("step", step.step());
      attributes.put("status", step.status().wire());
    } else if (event instanceof RunEvent run) {
      attributes.put("status", run.status().wire());
    } else if (event instanceof RejectedEvent) {
      attributes.put("status", "rejected");
    } else if (event instanceof AcceptedEvent) {
      attributes.put("status", "accepted");
    } else if (event instanceof LaunchFailedEvent) {
      attributes.put("status", "launch-failed");
    }
    return attributes;
  }
}
