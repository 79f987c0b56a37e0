package dev.runwire.schemas;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Test access to {@code schemas/examples/} and small edits of example requests. */
public final class Examples {

  public static final Path ROOT = Path.of("examples");

  private Examples() {}

  public static String read(String relative) {
    try {
      return Files.readString(ROOT.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Path> list(String folder) {
    try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().equals("expected.json"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example request with the value at {@code pointer} set to {@code jsonValue}. */
  public static String with(String example, String pointer, String jsonValue) {
    JsonObject tree = JsonParser.parseString(read(example)).getAsJsonObject();
    set(tree, pointer, jsonValue == null ? null : JsonParser.parseString(jsonValue));
    return tree.toString();
  }

  /** The example request without the field at {@code pointer}. */
  public static String without(String example, String pointer) {
    JsonObject tree = JsonParser.parseString(read(example)).getAsJsonObject();
    set(tree, pointer, null);
    return tree.toString();
  }

  /** Applies edits (pointer, JSON value or null to remove) in order. */
  public static String edited(String example, String... pointerValuePairs) {
    JsonObject tree = JsonParser.parseString(read(example)).getAsJsonObject();
    for (int i = 0; i < pointerValuePairs.length; i += 2) {
      String value = pointerValuePairs[i + 1];
      set(tree, pointerValuePairs[i], value == null ? null : JsonParser.parseString(value));
    }
    return tree.toString();
  }

  private static void set(JsonObject tree, String pointer, JsonElement value) {
    String[] tokens = pointer.substring(1).split("/");
    JsonElement node = tree;
    for (int i = 0; i < tokens.length - 1; i++) {
      JsonObject object = node.getAsJsonObject();
      if (!object.has(tokens[i])) {
        object.add(tokens[i], new JsonObject());
      }
      node = object.get(tokens[i]);
    }
    String last = tokens[tokens.length - 1];
    if (node.isJsonArray()) {
      JsonArray array = node.getAsJsonArray();
      array.set(Integer.parseInt(last), value);
    } else if (value == null) {
      node.getAsJsonObject().remove(last);
    } else {
      node.getAsJsonObject().add(last, value);
    }
  }
}
