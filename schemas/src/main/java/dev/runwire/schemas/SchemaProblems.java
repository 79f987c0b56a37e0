package dev.runwire.schemas;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.harrel.jsonschema.Error;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns the schema library's errors into runwire problems: one per real violation, at the pointer
 * of the offending (or missing) field, saying what is wrong and what would be right.
 *
 * <p>The library also reports the failing branches of {@code if} (which are not violations) and one
 * summary error per enclosing {@code allOf}/{@code if}; those are dropped. A subschema may carry
 * {@code x-runwire-message}, which replaces the generic message for errors raised by its own
 * keywords: that is how the cross-field rules (egress mode, scope, allowDataLoss) say something a
 * person understands.
 */
final class SchemaProblems {

  static final String MESSAGE_KEYWORD = "x-runwire-message";

  private static final Set<String> SUMMARY_KEYWORDS =
      Set.of("if", "then", "else", "allOf", "anyOf", "oneOf", "$ref", "$dynamicRef");

  private final Map<String, JsonObject> documents;
  private final JsonElement instance;

  SchemaProblems(Map<String, JsonObject> documents, JsonElement instance) {
    this.documents = documents;
    this.instance = instance;
  }

  List<Problem> translate(List<Error> errors) {
    Set<Problem> problems = new LinkedHashSet<>();
    Set<String> forbidden = new LinkedHashSet<>();
    for (Error error : errors) {
      String keyword = keyword(error);
      if (SUMMARY_KEYWORDS.contains(keyword)
          || error.getEvaluationPath().contains("/if/")
          || error.getEvaluationPath().endsWith("/if")) {
        continue;
      }
      if ((keyword.equals("not") || keyword.equals("false"))
          && !error.getInstanceLocation().isEmpty()) {
        forbidden.add(error.getInstanceLocation());
      }
      problems.addAll(translate(error));
    }
    // Inside a field that must not be there at all, the field's own shape does not matter.
    List<Problem> kept = new ArrayList<>();
    for (Problem problem : problems) {
      boolean inside = false;
      for (String root : forbidden) {
        inside |= problem.pointer().startsWith(root + "/");
      }
      if (!inside) {
        kept.add(new Problem(safe(problem.pointer()), safe(problem.message())));
      }
    }
    return List.copyOf(kept);
  }

  /** The library reports a {@code false} subschema with a null keyword. */
  private static String keyword(Error error) {
    return error.getKeyword() == null ? "false" : error.getKeyword();
  }

  private List<Problem> translate(Error error) {
    String pointer = error.getInstanceLocation();
    JsonObject schema = subschema(error.getSchemaLocation());
    JsonElement value = at(pointer);
    String keyword = keyword(error);
    String custom = schema != null ? string(schema, MESSAGE_KEYWORD) : null;

    if (keyword.equals("required")) {
      return missing(pointer, schema, custom);
    }
    if (custom != null) {
      return List.of(new Problem(pointer, custom));
    }
    if (schema == null && !keyword.equals("false")) {
      return List.of(new Problem(pointer, error.getError()));
    }
    String message;
    switch (keyword) {
      case "false":
        message = unknownField(error.getSchemaLocation(), pointer);
        break;
      case "const":
        message = "must be " + schema.get("const") + ", not " + show(value) + hint(schema, "; ");
        break;
      case "enum":
        message =
            show(value) + " is not allowed; use one of: " + list(schema.getAsJsonArray("enum"));
        break;
      case "type":
        message =
            "must be "
                + article(schema.get("type"))
                + ", not "
                + kind(value)
                + (value != null && value.isJsonPrimitive() ? " " + show(value) : "")
                + hint(schema, ". ");
        break;
      case "pattern":
        message = show(value) + " is not valid" + parenthesised(schema) + suggestion(schema, value);
        break;
      case "minLength":
      case "maxLength":
        message =
            "is "
                + value.getAsString().length()
                + " characters; "
                + (keyword.equals("minLength") ? "at least " : "at most ")
                + schema.get(keyword)
                + " allowed"
                + hint(schema, ". ");
        break;
      case "minimum":
        message =
            show(value) + " is below the minimum " + schema.get("minimum") + hint(schema, ". ");
        break;
      case "maximum":
        message =
            show(value) + " is above the maximum " + schema.get("maximum") + hint(schema, ". ");
        break;
      case "minItems":
        message = "needs at least " + schema.get("minItems") + " item(s)" + hint(schema, ": ");
        break;
      case "maxItems":
        message = "has more than " + schema.get("maxItems") + " items" + hint(schema, ": ");
        break;
      case "uniqueItems":
        message = "has repeated items; list each one once";
        break;
      case "not":
        message = "is not allowed here";
        break;
      default:
        message = error.getError();
    }
    return List.of(new Problem(pointer, message));
  }

  /** One problem per missing field, at the field's own pointer. */
  private List<Problem> missing(String pointer, JsonObject schema, String custom) {
    List<Problem> out = new ArrayList<>();
    JsonElement here = at(pointer);
    JsonArray required = schema == null ? null : schema.getAsJsonArray("required");
    if (required == null) {
      return List.of(new Problem(pointer, custom != null ? custom : "a required field is missing"));
    }
    for (JsonElement name : required) {
      String field = name.getAsString();
      if (here != null && here.isJsonObject() && here.getAsJsonObject().has(field)) {
        continue;
      }
      String message = custom;
      if (message == null) {
        JsonObject property = propertySchema(schema, field);
        message = "is required" + (property == null ? "" : summary(property));
      }
      out.add(new Problem(pointer + "/" + escape(field), message));
    }
    return out;
  }

  /** A {@code false} subschema: under additionalProperties it means an unknown field. */
  private String unknownField(String schemaLocation, String pointer) {
    String name = pointer.substring(pointer.lastIndexOf('/') + 1);
    if (schemaLocation.endsWith("/additionalProperties")
        || schemaLocation.endsWith("/unevaluatedProperties")) {
      JsonObject parent = subschema(schemaLocation.substring(0, schemaLocation.lastIndexOf('/')));
      String allowed =
          parent != null && parent.has("properties")
              ? String.join(", ", parent.getAsJsonObject("properties").keySet())
              : "none";
      String field = unescape(name);
      String near =
          parent != null && parent.has("properties")
              ? nearest(field, parent.getAsJsonObject("properties").keySet())
              : null;
      return "unknown field '"
          + field
          + "'"
          + (near == null ? "" : " (did you mean '" + near + "'?)")
          + "; the fields allowed here are: "
          + allowed;
    }
    return "is not allowed here";
  }

  /** The allowed field a misspelt one most likely meant: same letters ignoring case, or close. */
  private static String nearest(String field, Set<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : allowed) {
      String a = field.toLowerCase(Locale.ROOT);
      String b = candidate.toLowerCase(Locale.ROOT);
      int distance = a.length() > 40 ? 99 : editDistance(a, b);
      if (a.equals(b) || a.startsWith(b) && b.length() >= 4 || b.contains(a) && a.length() >= 4) {
        distance = 0;
      }
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private JsonObject propertySchema(JsonObject schema, String field) {
    JsonObject properties = schema.getAsJsonObject("properties");
    if (properties == null || !properties.has(field) || !properties.get(field).isJsonObject()) {
      return null;
    }
    JsonObject property = properties.getAsJsonObject(field);
    if (!property.has("description") && property.has("$ref")) {
      JsonObject target = subschema(resolveRef(property.get("$ref").getAsString()));
      return target == null ? property : target;
    }
    return property;
  }

  private String resolveRef(String ref) {
    // Only local refs (#/$defs/...) are used by runwire's schemas; resolve against any document.
    for (String base : documents.keySet()) {
      if (subschema(base + ref) != null) {
        return base + ref;
      }
    }
    return ref;
  }

  /** The subschema a schema location points at, or {@code null}. */
  private JsonObject subschema(String location) {
    int hash = location.indexOf('#');
    String base = hash < 0 ? location : location.substring(0, hash);
    String fragment = hash < 0 ? "" : location.substring(hash + 1);
    JsonElement node = documents.get(base);
    if (node == null) {
      return null;
    }
    for (String token : fragment.split("/")) {
      if (token.isEmpty()) {
        continue;
      }
      token = unescape(token);
      if (node.isJsonObject()) {
        node = node.getAsJsonObject().get(token);
      } else if (node.isJsonArray() && token.chars().allMatch(Character::isDigit)) {
        int i = Integer.parseInt(token);
        JsonArray array = node.getAsJsonArray();
        node = i < array.size() ? array.get(i) : null;
      } else {
        node = null;
      }
      if (node == null) {
        return null;
      }
    }
    return node.isJsonObject() ? node.getAsJsonObject() : null;
  }

  /** The instance value at a JSON pointer, or {@code null}. */
  private JsonElement at(String pointer) {
    JsonElement node = instance;
    for (String token : pointer.split("/")) {
      if (token.isEmpty()) {
        continue;
      }
      token = unescape(token);
      if (node != null && node.isJsonObject()) {
        node = node.getAsJsonObject().get(token);
      } else if (node != null && node.isJsonArray() && token.chars().allMatch(Character::isDigit)) {
        JsonArray array = node.getAsJsonArray();
        int i = token.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(token);
        node = i < array.size() ? array.get(i) : null;
      } else {
        return null;
      }
    }
    return node;
  }

  /** What a missing field should hold: its values, or the first sentence of its description. */
  private static String summary(JsonObject property) {
    if (property.has("enum")) {
      return "; use one of: " + list(property.getAsJsonArray("enum"));
    }
    if (property.has("const")) {
      return "; use " + property.get("const");
    }
    String description = string(property, "description");
    if (description == null) {
      return "";
    }
    // First sentence only; "e.g. x" does not end one.
    return ": " + description.split("(?<=\\.)\\s+(?=[A-Z])", 2)[0];
  }

  private static String parenthesised(JsonObject schema) {
    String description = string(schema, "description");
    return description == null ? "" : " (" + description.replaceAll("\\.$", "") + ")";
  }

  private static String hint(JsonObject schema, String separator) {
    String description = schema == null ? null : string(schema, "description");
    return description == null ? "" : separator + description;
  }

  /**
   * For a name with the wrong shape, offers the nearest name that has the right one ("My_Service" →
   * "my-service"), when there is one.
   */
  private static String suggestion(JsonObject schema, JsonElement value) {
    if (value == null || !value.isJsonPrimitive() || !schema.has("pattern")) {
      return "";
    }
    String candidate =
        value
            .getAsString()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]+", "-")
            .replaceAll("-{2,}", "-")
            .replaceAll("^[^a-z]+", "");
    try {
      Pattern pattern = Pattern.compile(schema.get("pattern").getAsString());
      for (int length = Math.min(candidate.length(), 128); length > 0; length--) {
        String cut = candidate.substring(0, length).replaceAll("-+$", "");
        if (!cut.isEmpty() && pattern.matcher(cut).matches()) {
          return "; did you mean \"" + cut + "\"?";
        }
      }
    } catch (PatternSyntaxException e) {
      return "";
    }
    return "";
  }

  private static String string(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }

  private static String list(JsonArray values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.isJsonPrimitive() ? v.getAsString() : v.toString()));
    return String.join(", ", out);
  }

  private static String article(JsonElement type) {
    if (type == null) {
      return "another type";
    }
    if (type.isJsonArray()) {
      List<String> names = new ArrayList<>();
      type.getAsJsonArray().forEach(t -> names.add(article(t)));
      return String.join(" or ", names);
    }
    String name = type.getAsString();
    return (name.equals("integer") || name.equals("object") || name.equals("array") ? "an " : "a ")
        + name;
  }

  private static String kind(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return "null";
    }
    if (value.isJsonObject()) {
      return "an object";
    }
    if (value.isJsonArray()) {
      return "an array";
    }
    JsonPrimitive primitive = value.getAsJsonPrimitive();
    if (primitive.isBoolean()) {
      return "a boolean";
    }
    if (primitive.isNumber()) {
      return "a number";
    }
    return "a string";
  }

  /** A value as shown in a message: JSON text, at most 64 characters, no control characters. */
  static String show(JsonElement value) {
    if (value == null) {
      return "(absent)";
    }
    String text = value.isJsonPrimitive() || value.isJsonNull() ? value.toString() : kind(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 64; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (text.length() > 64) {
      out.append("...");
    }
    return out.toString();
  }

  /**
   * Pointers and messages quote the sender's keys and values: escape control characters and line
   * separators so that a hostile key cannot forge lines in a log.
   */
  static String safe(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }
}
