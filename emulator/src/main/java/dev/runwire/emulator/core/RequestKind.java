package dev.runwire.emulator.core;

/** What a request did, for the request log and the per-API counters. */
public enum RequestKind {
  /** A GET of a resource or a list. */
  READ,
  /** A create, update, delete or action that changes state. */
  MUTATION,
  /** A GET of a long-running operation. */
  POLL
}
