package dev.runwire.schemas;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one JSON codec for every runwire message: records in, wire JSON out and back. Absent fields
 * are omitted, timestamps are RFC 3339 strings. Structural checks are the JSON Schema's job (see
 * {@code dev.runwire.schemas.validation}); this class only maps.
 */
public final class MessageCodec {

  private static final Gson GSON =
      new GsonBuilder()
          .disableHtmlEscaping()
          .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
          .create();

  private MessageCodec() {}

  public static String toJson(Object message) {
    return GSON.toJson(message);
  }

  public static JsonElement toTree(Object message) {
    return GSON.toJsonTree(message);
  }

  /**
   * Reads a message. Call it on input that passed validation; on other input it throws {@link
   * JsonParseException}.
   */
  public static <T> T fromJson(String json, Class<T> type) {
    return GSON.fromJson(json, type);
  }

  public static <T> T fromTree(JsonElement json, Class<T> type) {
    return GSON.fromJson(json, type);
  }

  private static final class InstantAdapter extends TypeAdapter<Instant> {
    @Override
    public void write(JsonWriter out, Instant value) throws IOException {
      out.value(value.toString());
    }

    @Override
    public Instant read(JsonReader in) throws IOException {
      if (in.peek() != JsonToken.STRING) {
        throw new JsonParseException("timestamp must be an RFC 3339 string at " + in.getPath());
      }
      String text = in.nextString();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new JsonParseException("not an RFC 3339 timestamp: " + text, e);
      }
    }
  }
}
