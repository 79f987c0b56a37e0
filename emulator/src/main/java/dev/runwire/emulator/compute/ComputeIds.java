package dev.runwire.emulator.compute;

import dev.runwire.emulator.core.Ids;
import java.util.UUID;

/** Numeric ids of resources and operations (uint64, written as JSON strings), from the seed. */
final class ComputeIds {

  private final Ids ids;

  ComputeIds(Ids ids) {
    this.ids = ids;
  }

  /** A 19-digit id, like the ones Compute hands out. */
  long next() {
    long bits = UUID.fromString(ids.uuid()).getMostSignificantBits() >>> 1;
    return 1_000_000_000_000_000_000L + bits % 8_000_000_000_000_000_000L;
  }
}
