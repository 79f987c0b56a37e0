package dev.runwire.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.harrel.jsonschema.InvalidSchemaException;
import dev.harrel.jsonschema.Validator;
import dev.harrel.jsonschema.ValidatorFactory;
import dev.harrel.jsonschema.providers.GsonNode;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageSchemasTest {

  private final MessageSchemas schemas = MessageSchemas.standard();

  static List<String> names() {
    return MessageSchemas.NAMES;
  }

  @ParameterizedTest
  @MethodSource("names")
  void packagedSchemaIsTheFileInTheModule(String name) throws Exception {
    String inModule = Files.readString(Path.of("json", name + ".schema.json"));
    try (InputStream in =
        MessageSchemas.class.getResourceAsStream(MessageSchemas.resourcePath(name))) {
      assertEquals(inModule, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void schemaIsValidAgainstTheDraft202012MetaSchema(String name) {
    // MessageSchemas skips this check at start-up; a schema that fails it throws here.
    Validator strict =
        new ValidatorFactory().withJsonNodeFactory(new GsonNode.Factory()).createValidator();
    assertEquals(
        "https://runwire.dev/schemas/" + name + ".schema.json",
        strict.registerSchema(schemas.schemaText(name)).toString());
  }

  @Test
  void aBrokenSchemaFailsTheMetaSchemaCheck() {
    Validator strict =
        new ValidatorFactory().withJsonNodeFactory(new GsonNode.Factory()).createValidator();
    assertThrows(
        InvalidSchemaException.class,
        () ->
            strict.registerSchema(
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"objekt\"}"));
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyPropertyIsDescribedAndEveryObjectIsClosed(String name) {
    JsonObject schema = JsonParser.parseString(schemas.schemaText(name)).getAsJsonObject();
    walk(schema, name, false);
  }

  private static void walk(JsonObject node, String where, boolean conditional) {
    if (node.has("type") && node.get("type").getAsString().equals("object")) {
      assertTrue(
          node.has("additionalProperties") || node.has("unevaluatedProperties"),
          where + " is an open object");
    }
    // Conditions (if/then/else) restate fields that are described where they are declared.
    if (node.has("properties") && !conditional) {
      JsonObject properties = node.getAsJsonObject("properties");
      for (String key : properties.keySet()) {
        JsonObject property = properties.getAsJsonObject(key);
        boolean described =
            property.has("description")
                || property.has("$ref")
                || property.has("not")
                || property.has("x-runwire-message");
        assertTrue(described, where + "/" + key + " has no description");
      }
    }
    for (String key : node.keySet()) {
      if (node.get(key).isJsonObject()) {
        boolean condition =
            conditional || key.equals("if") || key.equals("then") || key.equals("else");
        walk(node.getAsJsonObject(key), where + "/" + key, condition);
      } else if (node.get(key).isJsonArray()) {
        for (var item : node.getAsJsonArray(key)) {
          if (item.isJsonObject()) {
            walk(
                item.getAsJsonObject(),
                where + "/" + key + "[]",
                conditional || key.equals("allOf"));
          }
        }
      }
    }
  }

  @Test
  void eventWithAnUnknownFieldAndABadStatusIsReported() {
    String json =
        Examples.read("events/step-event.json")
            .replace("\"status\": \"succeeded\"", "\"status\": \"done\", \"extra\": 1");

    List<Problem> problems = schemas.check(MessageSchemas.STEP_EVENT, json);

    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.pointer().equals("/status")
                        && p.message().contains("use one of: started, succeeded")));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.pointer().equals("/extra") && p.message().contains("unknown field 'extra'")));
  }

  @Test
  void rejectedEventNeedsAtLeastOneProblem() {
    List<Problem> problems =
        schemas.check(
            MessageSchemas.REJECTED_EVENT, "{\"apiVersion\":\"runwire.dev/v1\",\"problems\":[]}");

    assertEquals(
        List.of(
            new Problem(
                "/problems",
                "needs at least 1 item(s): Every problem, each a JSON pointer into the request and what to fix.")),
        problems);
  }

  @Test
  void textThatIsNotJsonIsOneProblem() {
    List<Problem> problems = schemas.check(MessageSchemas.RUN_EVENT, "{not json");

    assertEquals(1, problems.size());
    assertEquals("", problems.get(0).pointer());
  }

  @Test
  void unknownSchemaNameIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> schemas.check("step", "{}"));
  }
}
