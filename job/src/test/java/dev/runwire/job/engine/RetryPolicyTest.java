package dev.runwire.job.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final List<Duration> pauses = new ArrayList<>();
  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), pauses::add, () -> 1.0);

  @Test
  void transientErrorsAreRetriedWithGrowingPauses() {
    AtomicInteger calls = new AtomicInteger();

    String result =
        policy.call(
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw error(Code.UNAVAILABLE);
              }
              return "done";
            });

    assertEquals("done", result);
    assertEquals(4, calls.get());
    assertEquals(
        List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), pauses);
  }

  @Test
  void permanentErrorsAreThrownAtOnce() {
    AtomicInteger calls = new AtomicInteger();

    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                policy.call(
                    () -> {
                      calls.incrementAndGet();
                      throw error(Code.INVALID_ARGUMENT);
                    }));

    assertEquals(Code.INVALID_ARGUMENT, e.getStatusCode().getCode());
    assertEquals(1, calls.get());
  }

  @Test
  void givesUpAfterMaxAttempts() {
    AtomicInteger calls = new AtomicInteger();

    assertThrows(
        ApiException.class,
        () ->
            policy.call(
                () -> {
                  calls.incrementAndGet();
                  throw error(Code.RESOURCE_EXHAUSTED);
                }));

    assertEquals(5, calls.get());
  }

  @Test
  void jitterKeepsAtLeastHalfTheExponentialDelayAndCapsIt() {
    RetryPolicy noJitter =
        new RetryPolicy(9, Duration.ofMillis(100), Duration.ofSeconds(1), d -> {}, () -> 0.0);

    assertEquals(Duration.ofMillis(50), noJitter.delayBefore(2));
    assertEquals(Duration.ofMillis(500), noJitter.delayBefore(9));
  }

  @Test
  void alreadyExistsIsNotTransientEvenThoughAbortedIs() {
    assertTrue(ApiErrors.isTransient(error(Code.ABORTED)));
    assertTrue(ApiErrors.isAlreadyExists(error(Code.ALREADY_EXISTS)));
    assertTrue(!ApiErrors.isTransient(error(Code.ALREADY_EXISTS)));
    assertTrue(!ApiErrors.isTransient(error(Code.PERMISSION_DENIED)));
  }

  static ApiException error(Code code) {
    return ApiExceptionFactory.createException(
        code.name(), null, HttpJsonStatusCode.of(code), false);
  }
}
