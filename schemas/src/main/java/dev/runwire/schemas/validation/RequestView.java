package dev.runwire.schemas.validation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read access to a request tree for the semantic rules. A field is visible only when it is present,
 * has the expected JSON type, and the schema reported nothing at or below it: a rule runs only on
 * the parts the schema passed.
 */
final class RequestView {

  private final JsonObject root;
  private final List<String> flagged;

  RequestView(JsonObject root, List<Problem> earlierProblems) {
    this.root = root;
    this.flagged = new ArrayList<>();
    for (Problem problem : earlierProblems) {
      flagged.add(problem.pointer());
    }
  }

  Optional<String> string(String pointer) {
    return primitive(pointer).filter(JsonPrimitive::isString).map(JsonPrimitive::getAsString);
  }

  Optional<Integer> integer(String pointer) {
    return primitive(pointer)
        .filter(JsonPrimitive::isNumber)
        .flatMap(
            p -> {
              try {
                return Optional.of(p.getAsBigDecimal().intValueExact());
              } catch (ArithmeticException | NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  Optional<Boolean> bool(String pointer) {
    return primitive(pointer).filter(JsonPrimitive::isBoolean).map(JsonPrimitive::getAsBoolean);
  }

  List<String> strings(String pointer) {
    Optional<JsonElement> element = element(pointer);
    List<String> out = new ArrayList<>();
    if (element.isPresent() && element.get().isJsonArray()) {
      JsonArray array = element.get().getAsJsonArray();
      for (JsonElement item : array) {
        if (item.isJsonPrimitive() && item.getAsJsonPrimitive().isString()) {
          out.add(item.getAsString());
        }
      }
    }
    return out;
  }

  /**
   * True when the field is present and not null, whatever the schema said about it or its children:
   * for rules that only care whether a part was given at all.
   */
  boolean has(String pointer) {
    JsonElement node = raw(pointer);
    return node != null && !node.isJsonNull();
  }

  /** True when the request does not contain the field at all (so its default applies). */
  boolean isAbsent(String pointer) {
    return raw(pointer) == null;
  }

  private Optional<JsonPrimitive> primitive(String pointer) {
    return element(pointer)
        .filter(JsonElement::isJsonPrimitive)
        .map(JsonElement::getAsJsonPrimitive);
  }

  private Optional<JsonElement> element(String pointer) {
    for (String bad : flagged) {
      if (bad.equals(pointer) || bad.startsWith(pointer + "/")) {
        return Optional.empty();
      }
    }
    JsonElement node = raw(pointer);
    return node == null || node.isJsonNull() ? Optional.empty() : Optional.of(node);
  }

  /** The field whatever its type or schema verdict; pointers here never need escaping. */
  private JsonElement raw(String pointer) {
    JsonElement node = root;
    for (String token : pointer.substring(1).split("/")) {
      if (node == null || !node.isJsonObject()) {
        return null;
      }
      node = node.getAsJsonObject().get(token);
    }
    return node;
  }
}
