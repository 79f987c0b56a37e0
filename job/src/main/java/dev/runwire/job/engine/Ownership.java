package dev.runwire.job.engine;

/**
 * How runwire knows a resource is its own. A resource it does not own is used, never changed or
 * deleted.
 */
public enum Ownership {
  /** The resource carries runwire's mark itself (a label, a description it was created with). */
  MARKED,
  /**
   * The resource cannot carry a mark (a connector, a NAT; an adopted subnet keeps its description),
   * and the service runwire wires records it as runwire's.
   */
  RECORDED,
  /**
   * The request takes it over now together with the resource it belongs to (the AUTH secret of an
   * adopted Redis instance); its mark is added by this run.
   */
  ADOPTED,
  /** Runwire did not create it and nothing says it adopted it. */
  NONE
}
