package dev.runwire.schemas;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.harrel.jsonschema.Validator;
import dev.harrel.jsonschema.ValidatorFactory;
import dev.harrel.jsonschema.providers.GsonNode;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas (draft 2020-12) of every runwire message, loaded from the classpath ({@code
 * dev/runwire/schemas/json/<name>.schema.json}, copied from the module's {@code json/} folder) and
 * run with dev.harrel:json-schema. Problems come back as JSON pointer + a message that says what is
 * wrong and what would be right.
 *
 * <p>Other modules' tests use {@link #check(String, String)} to prove the events they publish match
 * the contract: {@code assertEquals(List.of(), MessageSchemas.standard().check("step-event",
 * json))}.
 */
public final class MessageSchemas {

  public static final String PROVISIONING_REQUEST = "provisioning-request";
  public static final String STEP_EVENT = "step-event";
  public static final String RUN_EVENT = "run-event";
  public static final String REJECTED_EVENT = "rejected-event";
  public static final String ACCEPTED_EVENT = "accepted-event";
  public static final String LAUNCH_FAILED_EVENT = "launch-failed-event";

  /** Every schema, by name (the file name without {@code .schema.json}). */
  public static final List<String> NAMES =
      List.of(
          PROVISIONING_REQUEST,
          STEP_EVENT,
          RUN_EVENT,
          REJECTED_EVENT,
          ACCEPTED_EVENT,
          LAUNCH_FAILED_EVENT);

  private static final String RESOURCE_DIR = "/dev/runwire/schemas/json/";

  private static final class Holder {
    static final MessageSchemas STANDARD = new MessageSchemas();
  }

  private final Validator validator;
  private final Map<String, URI> uris = new LinkedHashMap<>();
  private final Map<String, JsonObject> documents = new LinkedHashMap<>();
  private final Map<String, String> texts = new LinkedHashMap<>();

  private MessageSchemas() {
    // The schemas are checked against the 2020-12 meta-schema by MessageSchemasTest; skipping
    // that here roughly halves start-up, which the function and the job pay on every cold start.
    validator =
        new ValidatorFactory()
            .withJsonNodeFactory(new GsonNode.Factory())
            .withDisabledSchemaValidation(true)
            .createValidator();
    for (String name : NAMES) {
      String text = load(name);
      JsonObject document = JsonParser.parseString(text).getAsJsonObject();
      URI uri = validator.registerSchema(text);
      uris.put(name, uri);
      documents.put(uri.toString(), document);
      texts.put(name, text);
    }
  }

  /** The shared instance (schemas are parsed once per JVM). */
  public static MessageSchemas standard() {
    return Holder.STANDARD;
  }

  /**
   * The classpath resource of a schema, e.g. {@code
   * /dev/runwire/schemas/json/step-event.schema.json}.
   */
  public static String resourcePath(String schemaName) {
    return RESOURCE_DIR + schemaName + ".schema.json";
  }

  /** The schema document itself. */
  public String schemaText(String schemaName) {
    String text = texts.get(schemaName);
    if (text == null) {
      throw new IllegalArgumentException("no schema named '" + schemaName + "'; known: " + NAMES);
    }
    return text;
  }

  /**
   * Validates {@code json} against the named schema. An empty list means valid. JSON that does not
   * parse is one problem at pointer {@code ""}.
   *
   * @throws IllegalArgumentException if {@code schemaName} is not one of {@link #NAMES}
   */
  public List<Problem> check(String schemaName, String json) {
    schemaText(schemaName);
    JsonElement tree;
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      tree = JsonParser.parseReader(reader);
    } catch (RuntimeException e) {
      return List.of(new Problem("", "not valid JSON: " + e.getMessage()));
    }
    return check(schemaName, tree);
  }

  /** Validates a gson tree against the named schema. An empty list means valid. */
  public List<Problem> check(String schemaName, JsonElement json) {
    schemaText(schemaName);
    Validator.Result result;
    // The library's thread-safety is not documented; validation is fast, so serialise it.
    synchronized (validator) {
      result = validator.validate(uris.get(schemaName), json);
    }
    if (result.isValid()) {
      return List.of();
    }
    return new SchemaProblems(documents, json).translate(result.getErrors());
  }

  private static String load(String name) {
    try (InputStream in = MessageSchemas.class.getResourceAsStream(resourcePath(name))) {
      if (in == null) {
        throw new IllegalStateException(
            "schema " + resourcePath(name) + " is not on the classpath; rebuild runwire-schemas");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
