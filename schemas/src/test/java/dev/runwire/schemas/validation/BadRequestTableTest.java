package dev.runwire.schemas.validation;

import static dev.runwire.schemas.Examples.edited;
import static dev.runwire.schemas.Examples.read;
import static dev.runwire.schemas.Examples.with;
import static dev.runwire.schemas.Examples.without;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One bad input per row: the problem must be reported at the expected JSON pointer with a message
 * that names the fix. Rows start from a valid example and change one thing.
 */
class BadRequestTableTest {

  private static final String DEMO = "valid/direct-vpc-static-ip.json";
  private static final String CONNECTOR = "valid/connector-range.json";
  private static final String CONNECTOR_SUBNET = "valid/connector-subnet-static-ip.json";
  private static final String SCOPED = "valid/drift-check-scoped.json";
  private static final String PSA = "valid/redis-private-service-access.json";

  static Stream<Arguments> badInputs() {
    return Stream.of(
        // wrong types
        bad(
            "requestId is a number",
            with(DEMO, "/requestId", "42"),
            "/requestId",
            "must be a string, not a number 42"),
        bad(
            "memorySizeGb is a string",
            with(DEMO, "/redis/memorySizeGb", "\"5\""),
            "/redis/memorySizeGb",
            "must be an integer, not a string"),
        bad(
            "memorySizeGb has a fraction",
            with(DEMO, "/redis/memorySizeGb", "1.5"),
            "/redis/memorySizeGb",
            "must be an integer, not a number 1.5"),
        bad(
            "enabled is a string",
            with(DEMO, "/staticEgressIp/enabled", "\"yes\""),
            "/staticEgressIp/enabled",
            "must be a boolean"),
        bad(
            "service is an array",
            with(DEMO, "/service", "[]"),
            "/service",
            "must be an object, not an array"),
        bad(
            "regions is a string",
            with(SCOPED, "/scope/regions", "\"us-central1\""),
            "/scope/regions",
            "must be an array"),
        bad(
            "image is null",
            with(DEMO, "/service/image", "null"),
            "/service/image",
            "must be a string, not null"),
        // missing fields
        bad("no requestId", without(DEMO, "/requestId"), "/requestId", "is required"),
        bad(
            "no mode",
            without(DEMO, "/mode"),
            "/mode",
            "is required; use one of: apply, plan, drift-check, destroy"),
        bad(
            "no apiVersion",
            without(DEMO, "/apiVersion"),
            "/apiVersion",
            "is required; use \"runwire.dev/v1\""),
        bad(
            "no project",
            without(DEMO, "/target/project"),
            "/target/project",
            "is required: Google Cloud project id"),
        bad(
            "no subnet range",
            without(DEMO, "/egress/subnet/range"),
            "/egress/subnet/range",
            "is required"),
        bad(
            "no connector name",
            without(CONNECTOR, "/egress/connector/name"),
            "/egress/connector/name",
            "is required"),
        bad(
            "no enabled",
            without(DEMO, "/staticEgressIp/enabled"),
            "/staticEgressIp/enabled",
            "is required"),
        bad(
            "no redis",
            without(DEMO, "/redis"),
            "/redis",
            "a request names target, service, redis and egress"),
        // unknown fields
        bad(
            "unknown top-level field",
            with(DEMO, "/debug", "true"),
            "/debug",
            "unknown field 'debug'"),
        bad(
            "misspelt redis size",
            with(DEMO, "/redis/size", "5"),
            "/redis/size",
            "did you mean 'memorySizeGb'?"),
        bad(
            "cidr instead of range",
            with(DEMO, "/egress/subnet/cidr", "\"10.9.0.0/26\""),
            "/egress/subnet/cidr",
            "the fields allowed here are: name, range"),
        bad(
            "zone in target",
            with(DEMO, "/target/zone", "\"us-central1-a\""),
            "/target/zone",
            "unknown field 'zone'"),
        // enums and constants
        bad(
            "unknown mode",
            with(DEMO, "/mode", "\"deploy\""),
            "/mode",
            "\"deploy\" is not allowed; use one of: apply, plan, drift-check, destroy"),
        bad(
            "unknown egress mode",
            with(DEMO, "/egress/mode", "\"vpc\""),
            "/egress/mode",
            "use one of: direct-vpc, connector"),
        bad(
            "unknown tier",
            with(DEMO, "/redis/tier", "\"STANDARD\""),
            "/redis/tier",
            "use one of: BASIC, STANDARD_HA"),
        bad(
            "unknown redis version",
            with(DEMO, "/redis/version", "\"REDIS_8_0\""),
            "/redis/version",
            "REDIS_7_2"),
        bad(
            "unknown route",
            with(DEMO, "/egress/route", "\"all\""),
            "/egress/route",
            "use one of: private-ranges-only, all-traffic"),
        bad(
            "unknown machine type",
            with(CONNECTOR, "/egress/connector/machineType", "\"n1-standard-1\""),
            "/egress/connector/machineType",
            "f1-micro, e2-micro, e2-standard-4"),
        bad(
            "unknown ingress",
            with(DEMO, "/service/ingress", "\"public\""),
            "/service/ingress",
            "internal-and-cloud-load-balancing"),
        bad(
            "wrong apiVersion",
            with(DEMO, "/apiVersion", "\"v1\""),
            "/apiVersion",
            "must be \"runwire.dev/v1\", not \"v1\""),
        // names and ids
        bad(
            "requestId starts with a dash",
            with(DEMO, "/requestId", "\"-x\""),
            "/requestId",
            "is not valid"),
        bad(
            "requestId of 129 characters",
            with(DEMO, "/requestId", "\"" + "a".repeat(129) + "\""),
            "/requestId",
            "1-128 characters"),
        bad(
            "requestId with a trailing newline",
            with(DEMO, "/requestId", "\"abc\\n\""),
            "/requestId",
            "control character or line break"),
        bad(
            "service name of 50 characters",
            with(DEMO, "/service/name", "\"" + "s".repeat(50) + "\""),
            "/service/name",
            "at most 49 characters"),
        bad(
            "service name ends with a dash",
            with(DEMO, "/service/name", "\"counter-\""),
            "/service/name",
            "did you mean \"counter\"?"),
        bad(
            "redis name of 41 characters",
            with(DEMO, "/redis/name", "\"" + "r".repeat(41) + "\""),
            "/redis/name",
            "2-40 characters"),
        bad(
            "connector name of 26 characters",
            with(CONNECTOR, "/egress/connector/name", "\"" + "c".repeat(26) + "\""),
            "/egress/connector/name",
            "2-25 characters"),
        bad(
            "project id too short",
            with(DEMO, "/target/project", "\"demo\""),
            "/target/project",
            "6-30 characters"),
        bad(
            "region without a dash",
            with(DEMO, "/target/region", "\"uscentral1\""),
            "/target/region",
            "e.g. us-central1"),
        bad(
            "subnet name with capitals",
            with(DEMO, "/egress/subnet/name", "\"Runwire-Egress\""),
            "/egress/subnet/name",
            "did you mean \"runwire-egress\"?"),
        bad(
            "env var name with a dash",
            with(DEMO, "/service/envNames/host", "\"REDIS-HOST\""),
            "/service/envNames/host",
            "Environment variable name"),
        bad(
            "env var PORT",
            with(DEMO, "/service/envNames/port", "\"PORT\""),
            "/service/envNames/port",
            "PORT is set by Cloud Run itself"),
        bad(
            "env var names clash",
            with(DEMO, "/service/envNames/host", "\"REDIS_PORT\""),
            "/service/envNames/host",
            "already the env var for port"),
        // IP ranges
        bad(
            "connector range /24",
            with(CONNECTOR, "/egress/connector/range", "\"10.8.0.0/24\""),
            "/egress/connector/range",
            "10.8.0.0/24 must be a /28 for a connector range, e.g. 10.8.0.0/28"),
        bad(
            "connector subnet /27",
            with(CONNECTOR_SUBNET, "/egress/connector/subnet/range", "\"192.168.40.0/27\""),
            "/egress/connector/subnet/range",
            "must be a /28"),
        bad(
            "direct-vpc subnet /27",
            with(DEMO, "/egress/subnet/range", "\"10.8.0.0/27\""),
            "/egress/subnet/range",
            "must be a /26 or larger for a Direct VPC egress subnet"),
        bad(
            "public range",
            with(DEMO, "/egress/subnet/range", "\"8.8.8.0/26\""),
            "/egress/subnet/range",
            "not private address space"),
        bad(
            "IPv6 range",
            with(DEMO, "/egress/subnet/range", "\"fd00::/64\""),
            "/egress/subnet/range",
            "is IPv6"),
        bad(
            "range without prefix",
            with(DEMO, "/egress/subnet/range", "\"10.8.0.0\""),
            "/egress/subnet/range",
            "the prefix length is missing"),
        bad(
            "octet above 255",
            with(DEMO, "/egress/subnet/range", "\"10.8.300.0/26\""),
            "/egress/subnet/range",
            "each number 0-255"),
        bad(
            "prefix above 32",
            with(DEMO, "/egress/subnet/range", "\"10.8.0.0/33\""),
            "/egress/subnet/range",
            "prefix 0-32"),
        bad(
            "leading zeros",
            with(DEMO, "/egress/subnet/range", "\"010.8.0.0/26\""),
            "/egress/subnet/range",
            "not an IPv4 range in CIDR notation"),
        bad(
            "host bits set",
            with(DEMO, "/egress/subnet/range", "\"10.8.0.64/25\""),
            "/egress/subnet/range",
            "the range starts at 10.8.0.0/25"),
        bad(
            "auto-mode default network range",
            with(DEMO, "/egress/subnet/range", "\"10.130.0.0/26\""),
            "/egress/subnet/range",
            "10.128.0.0/9"),
        bad(
            "connector subnet overlaps redis",
            with(CONNECTOR_SUBNET, "/redis/reservedIpRange", "\"192.168.40.8/29\""),
            "/redis/reservedIpRange",
            "overlaps 192.168.40.0/28 at /egress/connector/subnet/range"),
        bad(
            "basic redis range /28",
            with(DEMO, "/redis/reservedIpRange", "\"10.9.0.0/28\""),
            "/redis/reservedIpRange",
            "must be a /29"),
        bad(
            "standard redis range /27",
            edited(
                DEMO,
                "/redis/tier",
                "\"STANDARD_HA\"",
                "/redis/reservedIpRange",
                "\"10.9.0.0/27\""),
            "/redis/reservedIpRange",
            "must be a /29 or a /28"),
        bad(
            "private service access with a CIDR",
            with(PSA, "/redis/reservedIpRange", "\"10.30.0.0/29\""),
            "/redis/reservedIpRange",
            "name of an allocated range"),
        // static egress IP, connector sizing, modes
        bad(
            "static IP with private-ranges-only",
            with(DEMO, "/egress/route", "\"private-ranges-only\""),
            "/egress/route",
            "needs all-traffic"),
        bad(
            "static IP with default route",
            without(DEMO, "/egress/route"),
            "/egress/route",
            "needs \"route\": \"all-traffic\""),
        bad(
            "static IP with a range connector",
            edited(
                CONNECTOR,
                "/egress/route",
                "\"all-traffic\"",
                "/staticEgressIp",
                "{\"enabled\": true}"),
            "/egress/connector/range",
            "give connector.subnet"),
        bad(
            "min not below max",
            edited(
                CONNECTOR,
                "/egress/connector/minInstances",
                "6",
                "/egress/connector/maxInstances",
                "4"),
            "/egress/connector/maxInstances",
            "must be greater than minInstances (6)"),
        bad(
            "minInstances 1",
            with(CONNECTOR, "/egress/connector/minInstances", "1"),
            "/egress/connector/minInstances",
            "1 is below the minimum 2"),
        bad(
            "maxInstances 11",
            with(CONNECTOR, "/egress/connector/maxInstances", "11"),
            "/egress/connector/maxInstances",
            "11 is above the maximum 10"),
        bad(
            "memory 0 GB",
            with(DEMO, "/redis/memorySizeGb", "0"),
            "/redis/memorySizeGb",
            "below the minimum 1"),
        bad(
            "memory 301 GB",
            with(DEMO, "/redis/memorySizeGb", "301"),
            "/redis/memorySizeGb",
            "above the maximum 300"),
        bad(
            "allowDataLoss with plan",
            edited(DEMO, "/mode", "\"plan\"", "/allowDataLoss", "true"),
            "/allowDataLoss",
            "only allowed with mode destroy"),
        bad(
            "scope with mode apply",
            with(SCOPED, "/mode", "\"apply\""),
            "/mode",
            "must have mode drift-check"),
        bad(
            "scope with redis",
            with(SCOPED, "/redis", "{\"name\": \"x-redis\"}"),
            "/redis",
            "remove redis (or remove scope)"),
        bad(
            "scope without regions",
            with(SCOPED, "/scope/regions", "[]"),
            "/scope/regions",
            "needs at least 1 item"),
        bad(
            "direct-vpc with a connector",
            with(DEMO, "/egress/connector", "{\"name\": \"c-1\", \"range\": \"10.9.0.0/28\"}"),
            "/egress/connector",
            "only allowed with mode connector"),
        bad(
            "connector without range or subnet",
            without(CONNECTOR, "/egress/connector/range"),
            "/egress/connector/subnet",
            "a connector needs a range"),
        // hostile input
        bad(
            "duplicate key",
            read(DEMO)
                .replaceFirst(
                    "\"mode\": \"apply\",", "\"mode\": \"apply\", \"mode\": \"destroy\","),
            "/mode",
            "appears more than once"),
        bad(
            "deep nesting",
            "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
            "/a" + "/0".repeat(31),
            "nesting is deeper than 32 levels"),
        bad(
            "huge exponent",
            with(DEMO, "/redis/memorySizeGb", "1e999999999"),
            "/redis/memorySizeGb",
            "is out of range"),
        bad(
            "integer beyond 64 bits",
            with(DEMO, "/redis/memorySizeGb", "18446744073709551616"),
            "/redis/memorySizeGb",
            "is out of range"),
        bad(
            "30-digit number",
            with(DEMO, "/redis/memorySizeGb", "1" + "0".repeat(29)),
            "/redis/memorySizeGb",
            "is out of range"),
        bad(
            "5000-digit number",
            read(DEMO).replace("\"memorySizeGb\": 1", "\"memorySizeGb\": 1" + "0".repeat(5000)),
            "",
            "not valid JSON"),
        bad("not JSON", "hello", "", "not valid JSON"),
        bad("empty", "", "", "the request is empty"),
        bad(
            "top-level array",
            "[" + read(DEMO) + "]",
            "",
            "must be a JSON object {...}, not an array"),
        bad("top-level string", "\"apply\"", "", "not a string"),
        bad("trailing data", read(DEMO) + " {}", "", "not valid JSON"),
        bad(
            "NaN",
            with(DEMO, "/redis/memorySizeGb", "1")
                .replace("\"memorySizeGb\":1", "\"memorySizeGb\":NaN"),
            "",
            "not valid JSON"),
        bad("comment", "// a comment\n" + read(DEMO), "", "not valid JSON"),
        bad("single quotes", "{'requestId': 'x'}", "", "not valid JSON"),
        bad(
            "NUL in a string",
            with(DEMO, "/service/image", "\"local/visitor\\u0000counter\""),
            "/service/image",
            "control character"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsRejectedAtThePointerWithTheFix(
      String scenario, byte[] input, String pointer, String fragment, boolean isValid) {
    ValidationResult result = RequestValidator.standard().validate(input);

    if (isValid) {
      assertTrue(result.valid(), () -> scenario + ": " + result.problems());
      return;
    }
    assertFalse(result.valid(), scenario);
    assertNull(result.request(), scenario);
    assertTrue(
        result.problems().stream()
            .anyMatch(p -> p.pointer().equals(pointer) && p.message().contains(fragment)),
        () ->
            scenario
                + ": expected '"
                + fragment
                + "' at '"
                + pointer
                + "' in "
                + result.problems());
    assertTrue(
        result.problems().stream().noneMatch(p -> p.message().contains("please report it")),
        () -> scenario + ": the validator failed internally: " + result.problems());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryInputs")
  void badBytesAreRejectedAsAWhole(
      String scenario, byte[] input, String pointer, String fragment, boolean isValid) {
    badInputIsRejectedAtThePointerWithTheFix(scenario, input, pointer, fragment, isValid);
  }

  static Stream<Arguments> binaryInputs() {
    byte[] demo = read(DEMO).getBytes(StandardCharsets.UTF_8);
    byte[] latin1 =
        read(DEMO)
            .replace("visitor-counter\"", "visitor-cöunter\"")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] oversized =
        (read(DEMO).replace("\"apply\",", "\"apply\", \"pad\": \"" + "x".repeat(70_000) + "\","))
            .getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of("Latin-1 bytes", latin1, "", "not valid UTF-8", false),
        Arguments.of(
            "UTF-16", read(DEMO).getBytes(StandardCharsets.UTF_16), "", "looks like UTF-16", false),
        Arguments.of("over 64 KiB", oversized, "", "the limit is 65536 bytes", false),
        Arguments.of("null input", null, "", "the request is empty", false),
        Arguments.of(
            "UTF-8 byte order mark is tolerated",
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, demo),
            "",
            "",
            true));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Arguments bad(String scenario, String json, String pointer, String fragment) {
    return bad(scenario, json, pointer, fragment, false);
  }

  private static Arguments bad(
      String scenario, String json, String pointer, String fragment, boolean valid) {
    return Arguments.of(scenario, json.getBytes(StandardCharsets.UTF_8), pointer, fragment, valid);
  }
}
