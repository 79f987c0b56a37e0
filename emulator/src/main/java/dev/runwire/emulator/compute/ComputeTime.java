package dev.runwire.emulator.compute;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Compute's timestamps: RFC 3339 text in Pacific time, e.g. 2024-05-01T10:15:30.123-07:00. */
final class ComputeTime {

  private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

  private ComputeTime() {}

  static String now() {
    return ZonedDateTime.now(PACIFIC).format(FORMAT);
  }
}
