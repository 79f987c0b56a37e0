package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google's partial response: the system parameter {@code fields} / {@code $fields} (URL query) or
 * the header {@code X-Goog-FieldMask} names the fields a JSON answer keeps ("FieldMask used for
 * response filtering. If empty, all fields should be returned unless documented otherwise",
 * https://cloud.google.com/apis/docs/system-parameters).
 *
 * <p>Syntax, as the APIs' "Performance tips / Partial response" pages give it: a comma-separated
 * list selects several fields ({@code a,b}); {@code a/b} (or {@code a.b}, the FieldMask spelling)
 * selects a field inside a field; {@code a(b,c)} selects sub-fields of {@code a}; {@code *} is
 * every field at its level. Inside an array the selection applies to each element. A malformed
 * selection is "400 Bad Request" with an error message (same pages). The local cloud keeps no
 * schema beside the JSON it prints, and a JSON answer leaves out fields at their default value, so
 * a path that names no field present selects nothing rather than failing.
 */
final class PartialResponse {

  static final String HEADER = "X-Goog-FieldMask";

  /** The selection at one level: field name (or {@code *}) to what is kept inside it. */
  private final Map<String, PartialResponse> children = new LinkedHashMap<>();

  /** Keeps the whole value (a leaf of the selection). */
  private boolean whole;

  private PartialResponse() {}

  /**
   * The selection a request asks for, from the query ({@code fields}, {@code $fields}) or the
   * header; everything when neither is set or the mask is empty.
   *
   * @throws ApiException 400 when the mask is malformed, before the request is served
   */
  static PartialResponse of(Map<String, List<String>> query, String header) {
    String mask = header;
    for (String name : List.of("$fields", "fields")) {
      List<String> values = query.get(name);
      if (values != null && !values.isEmpty()) {
        mask = values.get(values.size() - 1);
      }
    }
    PartialResponse root = new PartialResponse();
    if (mask == null || mask.isBlank()) {
      root.whole = true;
      return root;
    }
    Parser parser = new Parser(mask.replace(" ", ""));
    parser.selections(root);
    if (!parser.atEnd()) {
      throw parser.invalid();
    }
    return root;
  }

  /** The JSON answer with only the selected fields; {@code json} itself when all are. */
  byte[] apply(byte[] json) {
    if (whole) {
      return json;
    }
    JsonElement answer = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
    JsonElement kept = select(answer);
    return (kept == null ? new JsonObject() : kept).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The kept part of {@code value}, or null when nothing of it is selected. */
  private JsonElement select(JsonElement value) {
    if (whole) {
      return value;
    }
    if (value.isJsonArray()) {
      JsonArray out = new JsonArray();
      for (JsonElement element : value.getAsJsonArray()) {
        JsonElement kept = select(element);
        if (kept != null) {
          out.add(kept);
        }
      }
      return out;
    }
    if (!value.isJsonObject()) {
      return null;
    }
    JsonObject out = new JsonObject();
    for (Map.Entry<String, JsonElement> field : value.getAsJsonObject().entrySet()) {
      PartialResponse inner = children.get(field.getKey());
      if (inner == null) {
        inner = children.get("*");
      }
      if (inner != null) {
        JsonElement kept = inner.select(field.getValue());
        if (kept != null && !(kept.isJsonObject() && kept.getAsJsonObject().size() == 0)) {
          out.add(field.getKey(), kept);
        }
      }
    }
    return out;
  }

  private PartialResponse child(String name) {
    return children.computeIfAbsent(name, n -> new PartialResponse());
  }

  /** Recursive descent over {@code selections := selection ("," selection)*}. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    /** {@code selection := name (("/" | ".") name)* ["(" selections ")"]}, added to {@code to}. */
    void selections(PartialResponse to) {
      do {
        PartialResponse node = to.child(name());
        while (at < text.length() && (text.charAt(at) == '/' || text.charAt(at) == '.')) {
          at++;
          node = node.child(name());
        }
        if (at < text.length() && text.charAt(at) == '(') {
          at++;
          selections(node);
          if (at >= text.length() || text.charAt(at) != ')') {
            throw invalid();
          }
          at++;
        } else {
          node.whole = true;
        }
      } while (at < text.length() && text.charAt(at) == ',' && ++at > 0);
    }

    private String name() {
      int start = at;
      if (at < text.length() && text.charAt(at) == '*') {
        at++;
        return "*";
      }
      while (at < text.length()
          && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      if (at == start) {
        throw invalid();
      }
      return text.substring(start, at);
    }

    boolean atEnd() {
      return at == text.length();
    }

    ApiException invalid() {
      return ApiException.badRequest(
          "Invalid field selection: " + text + " (at character " + (at + 1) + ")");
    }
  }
}
