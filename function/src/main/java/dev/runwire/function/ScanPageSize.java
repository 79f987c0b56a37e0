package dev.runwire.function;

/**
 * The page size of a newest-first executions scan that stops early (at the window's edge): what the
 * function pays per event is parsing every execution a page returns (each carries the whole request
 * in its env), and on a steady stream most of a fixed page of 100 lay beyond the edge. So the first
 * page asks for about as many as the previous scan of the same kind needed (+25% and 2, at least
 * {@value #MIN}), and later pages for the maximum: about one page per scan, whatever the page limit
 * and the history. Changing {@code pageSize} between the pages of one list is allowed (AIP-158:
 * only the other fields must match the first request).
 */
final class ScanPageSize {

  static final int MIN = 10;

  private final int max;
  private volatile int first;

  /**
   * @param initial the first page before any scan was seen
   * @param max the largest page asked for
   */
  ScanPageSize(int initial, int max) {
    this.max = max;
    this.first = Math.min(initial, max);
  }

  int first() {
    return first;
  }

  int next() {
    return max;
  }

  /**
   * A scan read {@code scanned} executions. Only a scan that stopped at the window's edge ({@code
   * atEdge}: the last one read was past it) tells how many the window holds; one that read the
   * whole list (a young job) or hit the scan's bound says nothing smaller, so the page never
   * shrinks then.
   */
  void observed(int scanned, boolean atEdge) {
    int wanted = Math.max(MIN, Math.min(max, scanned + scanned / 4 + 2));
    first = atEdge ? wanted : Math.max(first, wanted);
  }
}
