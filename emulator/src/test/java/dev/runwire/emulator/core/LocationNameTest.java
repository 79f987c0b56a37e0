package dev.runwire.emulator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LocationNameTest {

  @Test
  void aServiceNameHasItsProjectLocationAndId() {
    assertEquals(
        new LocationName("p1", "us-central1", "svc"),
        LocationName.parse("projects/p1/locations/us-central1/services/svc"));
  }

  @Test
  void aNestedNameIsNamedByItsLastSegment() {
    assertEquals(
        new LocationName("p1", "europe-west4", "job-x1"),
        LocationName.parse("projects/p1/locations/europe-west4/jobs/job/executions/job-x1"));
  }

  @Test
  void aNameOutsideALocationIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> LocationName.parse("projects/p1/global/networks/n"));
  }
}
