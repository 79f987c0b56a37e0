package dev.runwire.job.engine;

/** A step that can delete its resource (destroy, or a replacement the request allows). */
public interface Deleter<R> {
  void delete(R actual, StepContext ctx);
}
