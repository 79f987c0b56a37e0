package dev.runwire.emulator.pubsub;

/** Google's Pub/Sub emulator jar is not installed; the message is one line saying what to do. */
public final class PubSubEmulatorMissingException extends RuntimeException {

  public PubSubEmulatorMissingException(String message) {
    super(message);
  }
}
