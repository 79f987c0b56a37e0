package dev.runwire.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

  private final RequestValidator validator = RequestValidator.standard();

  private static String demo() throws Exception {
    return Files.readString(Path.of("examples/valid/direct-vpc-static-ip.json"));
  }

  @Test
  void demoRequestIsValidAndReadIntoTheRecord() throws Exception {
    ValidationResult result = validator.validate(demo());

    assertTrue(result.valid(), () -> result.problems().toString());
    assertEquals("demo-visitor-counter-1", result.requestIdIfKnown());
    assertEquals(ProvisioningRequest.EgressMode.DIRECT_VPC, result.request().egress().mode());
    assertTrue(result.request().wantsStaticEgressIp());
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    String bad =
        demo()
            .replace("10.8.0.0/26", "10.8.0.0/28")
            .replace("all-traffic", "private-ranges-only")
            .replace("\"BASIC\"", "\"PREMIUM\"");

    ValidationResult result = validator.validate(bad);

    assertFalse(result.valid());
    assertNull(result.request());
    assertEquals("demo-visitor-counter-1", result.requestIdIfKnown());
    assertEquals(
        java.util.Set.of("/redis/tier", "/egress/route", "/egress/subnet/range"),
        result.problems().stream()
            .map(Problem::pointer)
            .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void duplicateKeysAreRejected() {
    ValidationResult result = validator.validate("{\"a\":1,\"a\":2}".getBytes());

    assertFalse(result.valid());
    assertTrue(
        result
            .problems()
            .contains(new Problem("/a", "the key 'a' appears more than once; keep exactly one")));
  }
}
