package dev.runwire.emulator.core;

/** Answers one request; runs under the state lock and must not block on slow work. */
@FunctionalInterface
public interface Handler {
  Reply handle(ApiRequest request);
}
