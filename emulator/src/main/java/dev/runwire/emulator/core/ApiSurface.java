package dev.runwire.emulator.core;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One Google API the local cloud serves (Redis, Run, Secret Manager, Compute, VPC Access). Each is
 * listed once, in {@code LocalCloud}; everything else it needs comes from {@link CloudCore} and the
 * seams ({@link Networks}, {@link Connectors}, {@link SecretValues}) passed to it.
 */
public interface ApiSurface {

  /** The API's short name in logs, counters and faults: redis, run, secretmanager, ... */
  String api();

  void registerRoutes(Routes routes);

  /** The transitions this API times, with their realistic durations. */
  default List<LatencyKey> latencyKeys() {
    return List.of();
  }

  /** The error an injected transient fault answers with (Compute: 403 rateLimitExceeded). */
  default ApiException transientError(int httpStatus) {
    return httpStatus == 429 ? ApiException.rateLimited(api()) : ApiException.unavailable(api());
  }

  /** The API's whole state as JSON (called with the state lock held). Never secret payloads. */
  JsonObject snapshot();

  /**
   * Changes the resource {@code name} the way a person with gcloud or the console would, by a JSON
   * merge patch of its fields (called with the state lock held). False when not ours.
   */
  default boolean changeOutOfBand(String name, JsonObject patch) {
    return false;
  }

  /**
   * What a state file keeps of this API (lock held): the {@link #snapshot} plus what the snapshot
   * leaves out and a restarted cloud needs to be the same world: secret payloads, AUTH strings, IAM
   * policies, counters. The file is owner-only; nothing of it is logged.
   */
  default JsonObject save() {
    return snapshot();
  }

  /**
   * Loads what {@link #save} wrote into this API, which is empty (lock held). Resources whose
   * operation had not finished go back to their last settled state. Starts no process.
   */
  default void load(JsonObject saved) {}

  /** After {@link #load}, without the lock: starts the processes loaded resources run on. */
  default void resume() {}

  /** Back to the empty state; stops the API's processes. Called without the state lock. */
  void reset();

  default void close() {
    reset();
  }
}
