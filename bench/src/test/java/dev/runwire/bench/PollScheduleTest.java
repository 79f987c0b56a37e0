package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollScheduleTest {

  private static final Duration FIRST = Duration.ofSeconds(5);
  private static final Duration CAP = Duration.ofSeconds(30);

  @Test
  void backoffCoversAFiveMinuteOperationInThirteenPolls() {
    // 5, 7.5, 11.25, 16.9, 25.3, then 30 s: the 13th poll is the first at or after 300 s.
    assertEquals(13, new PollSchedule(FIRST, CAP, 1.5, false).expectedPolls(Duration.ofMinutes(5)));
  }

  @Test
  void anOperationShorterThanTheFirstDelayTakesOnePoll() {
    assertEquals(1, new PollSchedule(FIRST, CAP, 1.5, false).expectedPolls(Duration.ofSeconds(3)));
  }

  @Test
  void jitterShortensTheDelaysSoMorePollsAreExpected() {
    double plain = new PollSchedule(FIRST, CAP, 1.5, false).expectedPolls(Duration.ofMinutes(5));
    double jittered = new PollSchedule(FIRST, CAP, 1.5, true).expectedPolls(Duration.ofMinutes(5));
    assertTrue(jittered > plain * 1.5 && jittered < plain * 2.5, "jittered " + jittered);
  }
}
