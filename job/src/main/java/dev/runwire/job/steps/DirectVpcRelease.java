package dev.runwire.job.steps;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When Cloud Run lets go of a Direct VPC egress subnet. Cloud Run keeps its addresses in the subnet
 * for 1-2 hours after a service stops using it, and the subnet cannot be deleted until then (Direct
 * VPC egress docs; GCP-FACTS). The time is taken from Compute's refusal when it names one ("...
 * released at 2026-12-05T18:30:00Z"), else the documented upper bound from now.
 */
final class DirectVpcRelease {

  /** The longest hold the documentation gives. */
  static final Duration LONGEST_HOLD = Duration.ofHours(2);

  private static final Pattern RELEASED_AT =
      Pattern.compile("released at (\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(?:Z|[+-]\\d{2}:\\d{2}))");

  private DirectVpcRelease() {}

  static Instant expected(String refusal, Instant now) {
    Matcher m = RELEASED_AT.matcher(refusal == null ? "" : refusal);
    if (m.find()) {
      try {
        return Instant.parse(m.group(1));
      } catch (DateTimeParseException e) {
        // fall through to the documented bound
      }
    }
    return now.plus(LONGEST_HOLD).truncatedTo(ChronoUnit.SECONDS);
  }

  /** The kept outcome's message: what holds the subnet, until when, and what to do then. */
  static String keptMessage(String subnet, String refusal, Instant now) {
    return "kept: subnet "
        + subnet
        + " is still held by Cloud Run Direct VPC egress (Cloud Run keeps its addresses for 1-2"
        + " hours after a service stops using a subnet; Compute: "
        + refusal
        + "); expected release at "
        + expected(refusal, now)
        + ": run destroy again after that";
  }
}
