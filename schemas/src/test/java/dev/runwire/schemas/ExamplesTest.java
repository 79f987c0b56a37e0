package dev.runwire.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code schemas/examples/}: valid requests pass and read back into the record,
 * invalid ones fail with exactly the pointers {@code invalid/expected.json} lists, events match
 * their schema and their record.
 */
class ExamplesTest {

  private static final Map<String, Class<?>> EVENT_RECORDS =
      Map.of(
          MessageSchemas.STEP_EVENT, StepEvent.class,
          MessageSchemas.RUN_EVENT, RunEvent.class,
          MessageSchemas.REJECTED_EVENT, RejectedEvent.class,
          MessageSchemas.ACCEPTED_EVENT, AcceptedEvent.class,
          MessageSchemas.LAUNCH_FAILED_EVENT, LaunchFailedEvent.class);

  static Stream<Path> validRequests() {
    return Examples.list("valid").stream();
  }

  static Stream<Path> invalidRequests() {
    return Examples.list("invalid").stream();
  }

  static Stream<Path> events() {
    return Examples.list("events").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validRequests")
  void validExampleIsAcceptedAndReadsBackToTheSameJson(Path file) throws Exception {
    ValidationResult result = RequestValidator.standard().validate(Files.readAllBytes(file));

    assertTrue(result.valid(), () -> file + ": " + result.problems());
    JsonObject original = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonObject written = MessageCodec.toTree(result.request()).getAsJsonObject();
    // Written back, the request holds every field of the example (plus filled-in defaults).
    assertHolds(original, written, file.toString());
  }

  private static void assertHolds(JsonElement expected, JsonElement actual, String where) {
    if (expected.isJsonObject() && actual != null && actual.isJsonObject()) {
      for (String key : expected.getAsJsonObject().keySet()) {
        assertHolds(
            expected.getAsJsonObject().get(key),
            actual.getAsJsonObject().get(key),
            where + "/" + key);
      }
    } else {
      assertEquals(expected, actual, where);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void invalidExampleFailsWithExactlyTheExpectedPointers(Path file) throws Exception {
    List<Expected> expected = expectations().get(file.getFileName().toString());
    assertTrue(expected != null, file + " has no entry in examples/invalid/expected.json");

    ValidationResult result = RequestValidator.standard().validate(Files.readAllBytes(file));

    assertFalse(result.valid(), file.toString());
    Set<String> actualPointers =
        result.problems().stream()
            .map(Problem::pointer)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expectedPointers =
        expected.stream().map(Expected::pointer).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expectedPointers, actualPointers, () -> file + ": " + result.problems());
    for (Expected e : expected) {
      assertTrue(
          result.problems().stream()
              .anyMatch(p -> p.pointer().equals(e.pointer()) && p.message().contains(e.contains())),
          () ->
              file
                  + ": no problem at "
                  + e.pointer()
                  + " saying '"
                  + e.contains()
                  + "' in "
                  + result.problems());
    }
  }

  @Test
  void everyExpectationNamesAnExistingInvalidExample() {
    for (String name : expectations().keySet()) {
      assertTrue(Files.exists(Examples.ROOT.resolve("invalid").resolve(name)), name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void eventExampleMatchesItsSchemaAndItsRecord(Path file) throws Exception {
    String name = file.getFileName().toString();
    String schema =
        MessageSchemas.NAMES.stream()
            .filter(n -> name.startsWith(n))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + " does not start with a schema name"));
    String json = Files.readString(file);

    assertEquals(List.of(), MessageSchemas.standard().check(schema, json), name);
    Object record = MessageCodec.fromJson(json, EVENT_RECORDS.get(schema));
    assertEquals(JsonParser.parseString(json), MessageCodec.toTree(record), name);
  }

  @Test
  void everyEventKindHasAnExample() {
    Set<String> covered = events().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    for (String schema : EVENT_RECORDS.keySet()) {
      assertTrue(covered.contains(schema + ".json"), schema);
    }
  }

  @Test
  void everyEgressModeAndRequestModeHasAValidExample() {
    List<ValidationResult> results = new ArrayList<>();
    validRequests().forEach(p -> results.add(validate(p)));
    Set<String> seen = new TreeSet<>();
    for (ValidationResult r : results) {
      var request = r.request();
      seen.add(request.mode().wire() + (request.isScoped() ? "+scope" : ""));
      if (request.allowDataLoss()) {
        seen.add("destroy+allowDataLoss");
      }
      if (request.egress() != null) {
        seen.add(request.egress().mode() + (request.wantsStaticEgressIp() ? "+ip" : ""));
      }
    }
    assertTrue(
        seen.containsAll(
            Set.of(
                "apply",
                "plan",
                "drift-check",
                "drift-check+scope",
                "destroy",
                "destroy+allowDataLoss",
                "DIRECT_VPC",
                "DIRECT_VPC+ip",
                "CONNECTOR",
                "CONNECTOR+ip")),
        seen.toString());
  }

  private static ValidationResult validate(Path file) {
    try {
      return RequestValidator.standard().validate(Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Expected(String pointer, String contains) {}

  private static Map<String, List<Expected>> expectations() {
    JsonObject all =
        JsonParser.parseString(Examples.read("invalid/expected.json")).getAsJsonObject();
    Map<String, List<Expected>> out = new java.util.LinkedHashMap<>();
    for (String name : all.keySet()) {
      List<Expected> list = new ArrayList<>();
      for (JsonElement e : all.getAsJsonArray(name)) {
        JsonObject o = e.getAsJsonObject();
        list.add(new Expected(o.get("pointer").getAsString(), o.get("contains").getAsString()));
      }
      out.put(name, list);
    }
    return out;
  }
}
