package dev.runwire.job.probe;

import java.util.Optional;

/**
 * How a probe ended, as its exit code: the one contract between the probe (inside the probe job's
 * task) and the verify step (which reads the task's {@code lastAttemptResult.exitCode}).
 */
public enum ProbeResult {
  REACHED(0, "reached Redis: PING and INCR answered"),
  CONNECT_TIMEOUT(10, "no answer: the connection timed out (the network dropped it)"),
  REFUSED(11, "the connection was refused or reset before Redis answered"),
  AUTH(12, "Redis refused the AUTH string (or wants one and got none)"),
  TLS(13, "the TLS handshake failed (plain client on a TLS port, or the CA does not match)"),
  OTHER(14, "Redis answered with an error"),
  CONFIG(15, "the probe is missing REDIS_HOST or REDIS_PORT");

  private final int exitCode;
  private final String meaning;

  ProbeResult(int exitCode, String meaning) {
    this.exitCode = exitCode;
    this.meaning = meaning;
  }

  public int exitCode() {
    return exitCode;
  }

  public String meaning() {
    return meaning;
  }

  /** The result a task's exit code stands for; empty for a code the probe never uses. */
  public static Optional<ProbeResult> ofExitCode(int code) {
    for (ProbeResult r : values()) {
      if (r.exitCode == code) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** A network-level failure: the packet did not get to Redis (or back). */
  public boolean isNetwork() {
    return this == CONNECT_TIMEOUT || this == REFUSED;
  }
}
