package dev.runwire.emulator.core;

import java.time.Duration;
import java.time.Instant;

/**
 * One API request the local cloud answered. {@code method} is the effective method (a POST with
 * {@code X-HTTP-Method-Override: PATCH} is recorded as PATCH); {@code path} has no query string.
 */
public record RecordedRequest(
    Instant at,
    String method,
    String path,
    String query,
    int status,
    Duration duration,
    String api,
    RequestKind kind) {

  public boolean isMutation() {
    return kind == RequestKind.MUTATION;
  }
}
