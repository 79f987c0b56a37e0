package dev.runwire.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FanOutEventSinkTest {

  /** Records the order it was handed events in; the first sink is slow, as stdout can be. */
  private static final class Recording implements EventSink {
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final boolean slow;

    Recording(boolean slow) {
      this.slow = slow;
    }

    @Override
    public void publish(RunwireEvent event) {
      if (slow) {
        try {
          Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      seen.add(event.requestId());
    }
  }

  @Test
  void stepsPublishingAtOnceReachEverySinkInOneOrder() throws Exception {
    Recording log = new Recording(true);
    Recording topic = new Recording(false);
    FanOutEventSink fanOut = new FanOutEventSink(List.of(log, topic));
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.submit(
          () -> {
            go.await();
            for (int i = 0; i < perThread; i++) {
              fanOut.publish(event("t" + thread + "-" + i));
            }
            return null;
          });
    }
    go.countDown();
    pool.shutdown();
    pool.awaitTermination(60, TimeUnit.SECONDS);

    assertEquals(threads * perThread, topic.seen.size());
    int firstDifference = 0;
    while (firstDifference < log.seen.size()
        && log.seen.get(firstDifference).equals(topic.seen.get(firstDifference))) {
      firstDifference++;
    }
    assertEquals(
        log.seen.size(),
        firstDifference,
        "the log and the topic saw the events in different orders from event " + firstDifference);
  }

  private static RunEvent event(String id) {
    Instant at = Instant.parse("2026-12-06T00:00:00Z");
    return new RunEvent(
        null,
        id,
        "exec-1",
        "apply",
        RunEvent.Outcome.SUCCEEDED,
        at,
        at,
        0,
        new RunEvent.Counts(0, 0, 0, 0, 0, 0, 0, 0),
        Map.of(),
        0,
        1,
        1,
        0,
        null);
  }
}
