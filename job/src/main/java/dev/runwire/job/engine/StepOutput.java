package dev.runwire.job.engine;

import java.util.Map;

/**
 * What a step hands to the steps after it, as a record (the Redis endpoint, the egress IP...);
 * dependents ask for it by type ({@link StepContext#upstream(Class)}), not by a string key. {@link
 * #fields()} is its form in the step event's {@code outputs}.
 */
public interface StepOutput {

  /** The event form: output name to value. */
  Map<String, String> fields();
}
