package dev.runwire.job.steps;

import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.Sleeper;
import dev.runwire.job.engine.StepFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Reads a plain-text value from the metadata server the way Google's Java libraries do, so a busy
 * or briefly absent server costs a pause, not the run. google-auth-library-java (1.43.0): a request
 * keeps google-http-client's default timeouts (connect and read 20 s, {@code HttpRequest}); a 500,
 * 503, 408 or 429 is retryable ({@code OAuth2Utils.TOKEN_ENDPOINT_RETRYABLE_STATUS_CODES}), with
 * {@code DEFAULT_NUMBER_OF_RETRIES} 3 after the first try and the first pause {@code
 * INITIAL_RETRY_INTERVAL_MILLIS} 1 s, doubled ({@code RETRY_MULTIPLIER} 2); its metadata ping tries
 * {@code MAX_COMPUTE_PING_TRIES} 3 times. The pauses are the job's one {@link RetryPolicy} with
 * that start (its own jitter). A timeout or a refused connection is retried like a 5xx. What still
 * fails after the last try is {@link Reasons#METADATA_UNAVAILABLE}, transient: the task exits 1 and
 * Cloud Run runs it again. Any other answer (403, 404) will not change by asking again: {@link
 * Reasons#VERIFY_FAILED}.
 */
final class MetadataReader {

  /** The first try and {@code OAuth2Utils.DEFAULT_NUMBER_OF_RETRIES} (3) retries. */
  static final int ATTEMPTS = 4;

  /** google-http-client's {@code HttpRequest} default connect and read timeout. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** {@code OAuth2Utils.INITIAL_RETRY_INTERVAL_MILLIS}, doubled after each retry. */
  static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

  private static final Set<Integer> RETRYABLE = Set.of(500, 503, 408, 429);

  private final String host;
  private final Duration timeout;
  private final RetryPolicy retry;
  private final HttpClient http;

  MetadataReader(String host) {
    this(host, TIMEOUT, FIRST_PAUSE, Sleeper.REAL, () -> ThreadLocalRandom.current().nextDouble());
  }

  MetadataReader(
      String host, Duration timeout, Duration firstPause, Sleeper sleeper, DoubleSupplier random) {
    this.host = host;
    this.timeout = timeout;
    this.retry =
        new RetryPolicy(
            ATTEMPTS, firstPause, firstPause.multipliedBy(1L << ATTEMPTS), sleeper, random);
    this.http =
        HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(timeout).build();
  }

  /**
   * The value at {@code computeMetadata/v1/path}; {@code purpose} ends the failure's message (what
   * cannot be done without it). The message names the URL and the last status or error, never a
   * response body.
   */
  String read(String path, String purpose) {
    URI uri = URI.create("http://" + host + "/computeMetadata/v1/" + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri).header("Metadata-Flavor", "Google").timeout(timeout).build();
    try {
      return retry.call(() -> ask(request, purpose), e -> e instanceof Unanswered);
    } catch (Unanswered e) {
      throw new StepFailure(
          Reasons.METADATA_UNAVAILABLE,
          "the metadata server did not answer "
              + uri
              + " in "
              + ATTEMPTS
              + " tries ("
              + e.getMessage()
              + ")"
              + purpose);
    }
  }

  /** One request: the value, an {@link Unanswered} worth asking again, or a final failure. */
  private String ask(HttpRequest request, String purpose) throws InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Unanswered(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    int status = response.statusCode();
    if (status == 200 && !response.body().isBlank()) {
      return response.body().trim();
    }
    if (status == 200) {
      throw new Unanswered("an empty answer");
    }
    if (RETRYABLE.contains(status)) {
      throw new Unanswered("HTTP " + status);
    }
    throw new StepFailure(
        Reasons.VERIFY_FAILED,
        "the metadata server answered " + request.uri() + " with HTTP " + status + purpose);
  }

  /** A try the metadata server did not answer usefully; its message says why (no body). */
  private static final class Unanswered extends RuntimeException {
    Unanswered(String why) {
      super(why, null, false, false);
    }
  }
}
