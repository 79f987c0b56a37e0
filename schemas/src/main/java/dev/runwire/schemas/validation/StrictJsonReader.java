package dev.runwire.schemas.validation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns untrusted bytes into a gson tree, or into problems: over the size cap, not UTF-8, not JSON,
 * nested too deep, duplicate keys, numbers too large to be meant. Gson's own parsers accept all of
 * these (duplicate keys silently keep the last value), so this reader walks the token stream
 * itself. It never throws and never recurses deeper than {@link #MAX_DEPTH}.
 */
final class StrictJsonReader {

  static final int MAX_BYTES = 64 * 1024;
  static final int MAX_DEPTH = 32;

  /** Longest number literal accepted; anything longer is not a count or a size. */
  private static final int MAX_NUMBER_LITERAL = 24;

  /** Numbers beyond this magnitude are rejected before the schema library ever sees them. */
  private static final BigDecimal MAX_MAGNITUDE = new BigDecimal("1e15");

  private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");

  /**
   * What reading found.
   *
   * @param tree the document, or {@code null} when it could not be read at all
   * @param problems duplicate keys, huge numbers (the tree then holds the first value of a
   *     duplicated key and {@code null} for a huge number), or why nothing could be read
   * @param requestId a well-formed top-level requestId seen while reading, even if reading later
   *     failed; else {@code null}
   */
  record Outcome(JsonElement tree, List<Problem> problems, String requestId) {}

  private final List<Problem> problems = new ArrayList<>();
  private String requestId;

  private StrictJsonReader() {}

  static Outcome read(byte[] raw) {
    return new StrictJsonReader().readBytes(raw);
  }

  private Outcome readBytes(byte[] raw) {
    if (raw == null || raw.length == 0) {
      return fail("", "the request is empty; send a JSON object like {\"apiVersion\": ...}");
    }
    if (raw.length > MAX_BYTES) {
      return fail("", tooLarge(raw.length + " bytes"));
    }
    String utf16Hint = utf16Hint(raw);
    if (utf16Hint != null) {
      return fail("", utf16Hint);
    }
    String text;
    try {
      text = decodeUtf8(raw);
    } catch (CharacterCodingException e) {
      return fail("", "the request is not valid UTF-8; send UTF-8 encoded JSON");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // RFC 8259 lets a parser ignore a byte order mark.
    }
    return readText(text);
  }

  static String tooLarge(String size) {
    return "the request is "
        + size
        + "; the limit is "
        + MAX_BYTES
        + " bytes (64 KiB), a request is a few hundred bytes";
  }

  private Outcome readText(String text) {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    reader.setNestingLimit(MAX_DEPTH + 8);
    try {
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        return fail("", "the request must be a JSON object {...}, not " + describe(reader.peek()));
      }
      JsonElement tree = readValue(reader, "", 0);
      if (tree == null) {
        return new Outcome(null, List.copyOf(problems), requestId);
      }
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        return fail("", "unexpected data after the JSON object; send exactly one object");
      }
      return new Outcome(tree, List.copyOf(problems), requestId);
    } catch (IOException | RuntimeException e) {
      // MalformedJsonException, IllegalStateException, NumberFormatException: all are bad input.
      return fail("", "the request is not valid JSON: " + syntaxMessage(e));
    }
  }

  /** Reads one value; returns {@code null} (after adding a problem) when reading must stop. */
  private JsonElement readValue(JsonReader reader, String pointer, int depth) throws IOException {
    JsonToken token = reader.peek();
    switch (token) {
      case BEGIN_OBJECT:
      case BEGIN_ARRAY:
        if (depth >= MAX_DEPTH) {
          problems.add(
              new Problem(
                  pointer,
                  "nesting is deeper than "
                      + MAX_DEPTH
                      + " levels; a request nests at most 4 levels"));
          return null;
        }
        return token == JsonToken.BEGIN_OBJECT
            ? readObject(reader, pointer, depth)
            : readArray(reader, pointer, depth);
      case STRING:
        return readString(reader.nextString(), pointer);
      case NUMBER:
        return readNumber(reader.nextString(), pointer);
      case BOOLEAN:
        return new JsonPrimitive(reader.nextBoolean());
      case NULL:
        reader.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new IllegalStateException("unexpected " + describe(token));
    }
  }

  private JsonElement readObject(JsonReader reader, String pointer, int depth) throws IOException {
    JsonObject object = new JsonObject();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      String child = pointer + "/" + Pointers.escape(name);
      JsonElement value = readValue(reader, child, depth + 1);
      if (value == null) {
        return null;
      }
      if (object.has(name)) {
        problems.add(
            new Problem(
                child,
                "the key '"
                    + Pointers.printable(name)
                    + "' appears more than once; keep exactly one"));
        continue;
      }
      if (depth == 0 && name.equals("requestId") && value.isJsonPrimitive()) {
        String id = value.getAsString();
        if (REQUEST_ID.matcher(id).matches()) {
          requestId = id;
        }
      }
      object.add(name, value);
    }
    reader.endObject();
    return object;
  }

  private JsonElement readArray(JsonReader reader, String pointer, int depth) throws IOException {
    JsonArray array = new JsonArray();
    reader.beginArray();
    int index = 0;
    while (reader.hasNext()) {
      JsonElement value = readValue(reader, pointer + "/" + index++, depth + 1);
      if (value == null) {
        return null;
      }
      array.add(value);
    }
    reader.endArray();
    return array;
  }

  /**
   * No runwire field holds a line break or control character, and the schema library's regular
   * expressions let {@code $} match before a final line break ({@code "my-service\n"} would pass a
   * name pattern), so such strings are stopped here.
   */
  private JsonElement readString(String value, String pointer) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
        problems.add(
            new Problem(
                pointer,
                "contains a control character or line break (U+"
                    + String.format("%04X", (int) c)
                    + " at position "
                    + i
                    + "); remove it"));
        break;
      }
    }
    return new JsonPrimitive(value);
  }

  private JsonElement readNumber(String literal, String pointer) {
    String shown = literal.length() > 40 ? literal.substring(0, 40) + "..." : literal;
    if (literal.length() > MAX_NUMBER_LITERAL || !withinMagnitude(literal)) {
      problems.add(
          new Problem(
              pointer,
              "the number "
                  + shown
                  + " is out of range; runwire's numbers are small integers (e.g. 1 to 300)"));
      return JsonNull.INSTANCE;
    }
    return new JsonPrimitive(new LazilyParsedNumber(literal));
  }

  private static boolean withinMagnitude(String literal) {
    try {
      // The literal is at most 24 characters, so even 9e99999999999 is parsed cheaply here.
      return new BigDecimal(literal).abs().compareTo(MAX_MAGNITUDE) <= 0;
    } catch (NumberFormatException | ArithmeticException e) {
      return false;
    }
  }

  private Outcome fail(String pointer, String message) {
    problems.add(new Problem(pointer, message));
    return new Outcome(null, List.copyOf(problems), requestId);
  }

  private static String decodeUtf8(byte[] raw) throws CharacterCodingException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = decoder.decode(ByteBuffer.wrap(raw));
    return chars.toString();
  }

  /** UTF-16 text (a Windows editor's "Unicode") decodes as UTF-8 full of NULs: say so plainly. */
  private static String utf16Hint(byte[] raw) {
    boolean bom =
        raw.length >= 2
            && ((raw[0] == (byte) 0xFE && raw[1] == (byte) 0xFF)
                || (raw[0] == (byte) 0xFF && raw[1] == (byte) 0xFE));
    boolean nul = false;
    for (int i = 0; i < Math.min(raw.length, 64); i++) {
      nul |= raw[i] == 0;
    }
    return bom || nul ? "the request looks like UTF-16; send UTF-8 encoded JSON" : null;
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case BEGIN_ARRAY:
        return "an array";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      case END_DOCUMENT:
        return "nothing";
      default:
        return token.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Gson's messages end with a troubleshooting URL; keep the part that helps a sender. */
  private static String syntaxMessage(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int see = message.indexOf("\nSee ");
    if (see >= 0) {
      message = message.substring(0, see);
    }
    message = message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept ", "");
    return message.length() > 200 ? message.substring(0, 200) + "..." : message;
  }
}
