package dev.runwire.schemas.validation;

import static dev.runwire.schemas.Examples.edited;
import static dev.runwire.schemas.Examples.read;
import static dev.runwire.schemas.Examples.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

  private static final String DEMO = "valid/direct-vpc-static-ip.json";

  private final RequestValidator validator = RequestValidator.standard();

  @Test
  void demoRequestIsValidAndReadIntoTheRecord() {
    ValidationResult result = validator.validate(read(DEMO));

    assertTrue(result.valid(), () -> result.problems().toString());
    assertEquals("demo-visitor-counter-1", result.requestIdIfKnown());
    assertEquals(ProvisioningRequest.EgressMode.DIRECT_VPC, result.request().egress().mode());
    assertTrue(result.request().wantsStaticEgressIp());
    assertEquals("allow-visitor-counter-redis", result.request().names().firewall());
  }

  @Test
  void bytesAndStringGiveTheSameAnswer() {
    String bad = with(DEMO, "/egress/subnet/range", "\"10.8.0.0/28\"");

    assertEquals(validator.validate(bad), validator.validate(bad.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        edited(
            DEMO,
            "/egress/subnet/range",
            "\"10.8.0.0/28\"",
            "/egress/route",
            "\"private-ranges-only\"",
            "/redis/tier",
            "\"PREMIUM\"");

    ValidationResult result = validator.validate(bad);

    assertFalse(result.valid());
    assertNull(result.request());
    assertEquals("demo-visitor-counter-1", result.requestIdIfKnown());
    assertEquals(
        Set.of("/redis/tier", "/egress/route", "/egress/subnet/range"),
        result.problems().stream().map(Problem::pointer).collect(Collectors.toSet()));
  }

  @Test
  void semanticRulesSkipFieldsTheSchemaRejected() {
    // A range of the wrong type is one schema problem, not also a CIDR problem.
    ValidationResult result = validator.validate(with(DEMO, "/egress/subnet/range", "26"));

    assertEquals(1, result.problems().size(), result.problems().toString());
    assertEquals("/egress/subnet/range", result.problems().get(0).pointer());
  }

  @Test
  void requestIdIsKnownEvenWhenTheRestOfTheJsonIsBroken() {
    String truncated = "{\"apiVersion\":\"runwire.dev/v1\",\"requestId\":\"r-42\",\"mode\":";

    assertEquals("r-42", validator.validate(truncated).requestIdIfKnown());
  }

  @Test
  void malformedRequestIdIsNotReportedAsKnown() {
    assertNull(
        validator.validate(with(DEMO, "/requestId", "\"bad id with spaces\"")).requestIdIfKnown());
  }

  @Test
  void integralNumbersWrittenWithAFractionOrExponentAreIntegers() {
    assertEquals(
        5,
        validator
            .validate(with(DEMO, "/redis/memorySizeGb", "5.0"))
            .request()
            .redis()
            .memorySizeGb());
    assertEquals(
        100,
        validator
            .validate(with(DEMO, "/redis/memorySizeGb", "1e2"))
            .request()
            .redis()
            .memorySizeGb());
  }

  @Test
  void standardTierMayReserveASlash28() {
    ValidationResult result =
        validator.validate(
            edited(
                DEMO,
                "/redis/tier",
                "\"STANDARD_HA\"",
                "/redis/reservedIpRange",
                "\"10.9.0.0/28\""));

    assertTrue(result.valid(), result.problems().toString());
  }

  @Test
  void customNetworkMayUseTheAutoModeRanges() {
    ValidationResult result =
        validator.validate(
            edited(
                DEMO,
                "/target/network",
                "\"runwire-vpc\"",
                "/egress/subnet/range",
                "\"10.128.0.0/26\""));

    assertTrue(result.valid(), result.problems().toString());
  }

  @Test
  void duplicateKeysAreRejectedAndTheFirstValueIsKept() {
    ValidationResult result =
        validator.validate("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8));

    assertFalse(result.valid());
    assertTrue(
        result
            .problems()
            .contains(new Problem("/a", "the key 'a' appears more than once; keep exactly one")));
  }

  @Test
  void oversizedStringIsRejectedWithoutEncodingIt() {
    ValidationResult result = validator.validate(" ".repeat(100_000));

    assertEquals(
        List.of(
            new Problem(
                "",
                "the request is 100000 characters; the limit is 65536 bytes (64 KiB), a request is a few hundred bytes")),
        result.problems());
  }
}
