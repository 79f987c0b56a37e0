package dev.runwire.job.engine;

/**
 * A step that can create its resource. Create returns once the API accepted it (waiting on the
 * operation where there is one); the loop then reads the resource again until it is settled.
 */
public interface Creator<S extends Record> {
  void create(S desired, StepContext ctx);
}
