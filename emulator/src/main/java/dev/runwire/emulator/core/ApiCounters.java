package dev.runwire.emulator.core;

/** Requests one API answered since the last log reset, by kind; {@code errors} counts non-2xx. */
public record ApiCounters(long reads, long mutations, long polls, long errors) {

  public long total() {
    return reads + mutations + polls;
  }
}
