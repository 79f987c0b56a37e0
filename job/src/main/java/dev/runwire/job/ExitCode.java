package dev.runwire.job;

/**
 * How a run of the job ends, as the process's exit status: what {@link RunwireJob} answers for bad
 * input and what {@link Execution} answers for a run. Cloud Run retries a task that exits with
 * anything but 0.
 */
public enum ExitCode {
  /** Success (and, as a Cloud Run task, drift found: the run event says so). */
  OK(0),
  /** A step failed, or the events could not be delivered. */
  STEP_FAILED(1),
  /** Invalid input or configuration: nothing was touched. */
  INVALID(2),
  /** Drift found, on the command line. */
  DRIFT(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }
}
