package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleSample() {
    Stats s = Stats.of(9, 1, 5);
    assertEquals(5, s.median());
    assertEquals(1, s.min());
    assertEquals(9, s.max());
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Stats.of(4, 1, 3, 2).median());
  }

  @Test
  void percentileUsesTheNearestRank() {
    Stats s = Stats.of(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    assertEquals(5, s.percentile(0.5));
    assertEquals(10, s.percentile(0.99));
    assertEquals(1, s.percentile(0.01));
  }

  @Test
  void noSamplesIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Stats.of(List.<Double>of()));
  }
}
