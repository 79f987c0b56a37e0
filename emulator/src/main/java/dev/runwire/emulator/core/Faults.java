package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;

/**
 * Injected faults, deterministic for a given seed and request order: a rate of transient errors per
 * API ({@code "*"} for every API), a number of next requests that fail, an added delay, operations
 * that fail for a named resource, and job tasks killed mid-run (as when Cloud Run loses the
 * instance a task runs on: the attempt fails and the task's retries run it again). Admin requests
 * are never faulted.
 */
public final class Faults {

  /** Matches every API in the per-API maps. */
  public static final String ALL = "*";

  /** A killed task dies at a random moment within this much of its start. */
  public static final Duration DEFAULT_KILL_TASK_WITHIN = Duration.ofSeconds(2);

  private final Map<String, Double> errorRates = new TreeMap<>();
  private final Map<String, Integer> failNext = new TreeMap<>();
  private final Map<String, Duration> delays = new TreeMap<>();
  private final Map<String, String> failingOperations = new TreeMap<>();
  private double killTaskRate;
  private Duration killTaskWithin = DEFAULT_KILL_TASK_WITHIN;
  private long killedTasks;
  private long seed;
  private Random random;

  public Faults(long seed) {
    reseed(seed);
  }

  public synchronized Faults reseed(long newSeed) {
    seed = newSeed;
    random = new Random(newSeed);
    return this;
  }

  /** A share (0..1) of requests to {@code api} answered 429 or 503 (Compute: 403). */
  public synchronized Faults errorRate(String api, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("error rate for " + api + " must be within 0..1");
    }
    errorRates.put(api, rate);
    return this;
  }

  /** The next {@code count} requests to {@code api} fail with a transient error. */
  public synchronized Faults failNext(String api, int count) {
    failNext.put(api, count);
    return this;
  }

  public synchronized Faults delay(String api, Duration delay) {
    delays.put(api, delay);
    return this;
  }

  /** Every operation on {@code resourceName} ends with an error carrying {@code message}. */
  public synchronized Faults failOperation(String resourceName, String message) {
    failingOperations.put(resourceName, message);
    return this;
  }

  /**
   * A share (0..1) of job task attempts killed (SIGKILL) at a random moment within {@code within}
   * of their start; one that ends sooner is not killed.
   */
  public synchronized Faults killTasks(double rate, Duration within) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("killTasks rate must be within 0..1");
    }
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException("killTasks within must be positive, e.g. 2s");
    }
    killTaskRate = rate;
    killTaskWithin = within;
    return this;
  }

  public synchronized Faults killTasks(double rate) {
    return killTasks(rate, killTaskWithin);
  }

  /** For a task attempt that starts now: when to kill it, if this attempt is to be killed. */
  public synchronized Optional<Duration> taskKill() {
    if (killTaskRate <= 0 || random.nextDouble() >= killTaskRate) {
      return Optional.empty();
    }
    return Optional.of(
        Duration.ofMillis(1 + (long) (random.nextDouble() * (killTaskWithin.toMillis() - 1))));
  }

  /** Counts a task attempt the fault actually killed. */
  public synchronized void taskKilled() {
    killedTasks++;
  }

  public synchronized long killedTasks() {
    return killedTasks;
  }

  public synchronized Faults clear() {
    errorRates.clear();
    failNext.clear();
    delays.clear();
    failingOperations.clear();
    killTaskRate = 0;
    killTaskWithin = DEFAULT_KILL_TASK_WITHIN;
    random = new Random(seed);
    return this;
  }

  /** The transient HTTP status (429 or 503) to answer instead of handling, if any. */
  public synchronized OptionalInt transientStatus(String api) {
    String key = failNext.containsKey(api) ? api : failNext.containsKey(ALL) ? ALL : null;
    if (key != null && failNext.get(key) > 0) {
      failNext.merge(key, -1, Integer::sum);
      return OptionalInt.of(503);
    }
    Double rate = errorRates.getOrDefault(api, errorRates.get(ALL));
    if (rate != null && rate > 0 && random.nextDouble() < rate) {
      return OptionalInt.of(random.nextBoolean() ? 429 : 503);
    }
    return OptionalInt.empty();
  }

  public synchronized Duration delay(String api) {
    return delays.getOrDefault(api, delays.getOrDefault(ALL, Duration.ZERO));
  }

  public synchronized Optional<String> operationFailure(String resourceName) {
    return Optional.ofNullable(failingOperations.get(resourceName));
  }

  /**
   * Applies {@code {"seed":1,"errorRate":{"redis":0.2},"failNext":{"run":2},"delay":{"*":"200ms"},
   * "failOperations":{"projects/p/locations/l/instances/x":"message"},"killTasks":0.1,
   * "killTasksWithin":"2s","clear":true}}.
   */
  public synchronized void apply(JsonObject spec) {
    if (spec.has("clear") && spec.get("clear").getAsBoolean()) {
      clear();
    }
    if (spec.has("seed")) {
      reseed(spec.get("seed").getAsLong());
    }
    for (Map.Entry<String, JsonElement> e : entries(spec, "errorRate")) {
      errorRate(e.getKey(), e.getValue().getAsDouble());
    }
    for (Map.Entry<String, JsonElement> e : entries(spec, "failNext")) {
      failNext(e.getKey(), e.getValue().getAsInt());
    }
    for (Map.Entry<String, JsonElement> e : entries(spec, "delay")) {
      delay(e.getKey(), LatencyProfile.parseDuration(e.getValue().getAsString()));
    }
    for (Map.Entry<String, JsonElement> e : entries(spec, "failOperations")) {
      failOperation(e.getKey(), e.getValue().getAsString());
    }
    if (spec.has("killTasks") || spec.has("killTasksWithin")) {
      killTasks(
          spec.has("killTasks") ? spec.get("killTasks").getAsDouble() : killTaskRate,
          spec.has("killTasksWithin")
              ? LatencyProfile.parseDuration(spec.get("killTasksWithin").getAsString())
              : killTaskWithin);
    }
  }

  public synchronized JsonObject toJson() {
    JsonObject out = new JsonObject();
    out.addProperty("seed", seed);
    JsonObject rates = new JsonObject();
    errorRates.forEach(rates::addProperty);
    out.add("errorRate", rates);
    JsonObject next = new JsonObject();
    failNext.forEach(next::addProperty);
    out.add("failNext", next);
    JsonObject delay = new JsonObject();
    delays.forEach((k, v) -> delay.addProperty(k, v.toMillis() + "ms"));
    out.add("delay", delay);
    JsonObject ops = new JsonObject();
    failingOperations.forEach(ops::addProperty);
    out.add("failOperations", ops);
    out.addProperty("killTasks", killTaskRate);
    out.addProperty("killTasksWithin", killTaskWithin.toMillis() + "ms");
    out.addProperty("killedTasks", killedTasks);
    return out;
  }

  private static Iterable<Map.Entry<String, JsonElement>> entries(JsonObject spec, String key) {
    return spec.has(key) ? spec.getAsJsonObject(key).entrySet() : java.util.Set.of();
  }
}
