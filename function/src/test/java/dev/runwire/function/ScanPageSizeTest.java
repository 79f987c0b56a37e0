package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScanPageSizeTest {

  @Test
  void firstPageFollowsWhatTheLastScanToTheWindowsEdgeNeeded() {
    ScanPageSize pages = new ScanPageSize(100, 100);
    assertEquals(100, pages.first());

    pages.observed(24, true);

    assertEquals(32, pages.first(), "24 + 25% + 2");
    assertEquals(100, pages.next());
  }

  @Test
  void neverSmallerThanTheMinimumNorLargerThanTheMaximum() {
    ScanPageSize pages = new ScanPageSize(50, 100);
    pages.observed(1, true);
    assertEquals(ScanPageSize.MIN, pages.first());
    pages.observed(500, true);
    assertEquals(100, pages.first());
  }

  @Test
  void aScanThatReadTheWholeListDoesNotShrinkThePage() {
    ScanPageSize pages = new ScanPageSize(100, 100);

    pages.observed(0, false);

    assertEquals(100, pages.first(), "a young job's empty list says nothing about the window");
  }
}
