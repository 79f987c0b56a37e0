package dev.runwire.job.engine;

/** One node of the DAG: reconciles one resource (or checks one thing) for one request. */
public interface Step {

  StepKind kind();

  /** Full resource name for events, e.g. {@code //redis.googleapis.com/projects/p/...}. */
  String resource();

  /**
   * Does the step's work in the request's mode. Throwing is allowed: the runner turns an exception
   * into a failed outcome with the API's status and message.
   */
  StepOutcome execute(StepContext ctx);
}
