package dev.runwire.function;

import com.google.cloud.functions.CloudEventsFunction;
import dev.runwire.schemas.cloud.CloudLoggingEventSink;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.cloud.PubSubEventSink;
import dev.runwire.schemas.cloud.StructuredLog;
import dev.runwire.schemas.validation.RequestValidator;
import io.cloudevents.CloudEvent;
import java.time.Clock;

/**
 * The Cloud Run function Eventarc triggers for every message on the requests topic. Decodes the
 * Pub/Sub envelope and hands the message to {@link RequestIntake}.
 *
 * <p>Returning normally acknowledges the message (also for a rejected request: retrying cannot make
 * it valid); throwing makes the framework answer 500 so Pub/Sub redelivers it.
 */
public final class ProvisioningRequestFunction implements CloudEventsFunction {

  /** The {@code component} of this function's log lines. */
  private static final String COMPONENT = "runwire-function";

  private final MessagePublishedDecoder decoder;
  private final RequestIntake intake;

  /** The framework's constructor: configuration from the environment. */
  public ProvisioningRequestFunction() {
    this(FunctionConfig.fromEnv(System.getenv()));
  }

  ProvisioningRequestFunction(FunctionConfig config) {
    this(config, eventSink(config), StructuredLog.stdout(COMPONENT));
  }

  ProvisioningRequestFunction(FunctionConfig config, EventSink events, StructuredLog log) {
    this(
        config,
        new RequestIntake(
            warmedUp(RequestValidator.standard()),
            CloudRunJobLauncher.create(
                config.job(),
                config.endpoints(),
                CloudRunJobLauncher.DEFAULT_RECHECK_MARGIN,
                config.executionSlack()),
            events,
            config,
            log,
            Clock.systemUTC()));
  }

  ProvisioningRequestFunction(FunctionConfig config, RequestIntake intake) {
    this.decoder = new MessagePublishedDecoder(config.maxMessageBytes());
    this.intake = intake;
  }

  @Override
  public void accept(CloudEvent event) {
    long received = System.nanoTime();
    intake.handle(decoder.decode(event), received);
  }

  /**
   * Compiles the schemas now, while the instance starts (Cloud Run boosts start-up CPU), not on the
   * first request.
   */
  private static RequestValidator warmedUp(RequestValidator validator) {
    validator.validate("{}");
    return validator;
  }

  private static EventSink eventSink(FunctionConfig config) {
    if (config.eventsTopic() == null) {
      return new CloudLoggingEventSink(StructuredLog.stdout(COMPONENT));
    }
    return PubSubEventSink.open(config.eventsTopic(), config.eventSource(), config.endpoints());
  }
}
