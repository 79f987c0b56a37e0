package dev.runwire.job;

/**
 * Builds the big protobuf descriptors (Compute's alone takes a second or two on a small CPU) on a
 * background thread while the main thread reads and validates the request, so the first API call
 * does not pay for them. Daemon: an invalid request exits without waiting for it.
 */
final class Warmup {

  private Warmup() {}

  static void start() {
    Thread thread =
        new Thread(
            () -> {
              com.google.cloud.compute.v1.Network.getDescriptor();
              com.google.cloud.run.v2.Service.getDescriptor();
              com.google.cloud.redis.v1.Instance.getDescriptor();
            },
            "runwire-warmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }
}
