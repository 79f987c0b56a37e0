package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** RFC 7386 JSON merge patch: objects merge, {@code null} removes, anything else replaces. */
public final class JsonMergePatch {

  private JsonMergePatch() {}

  public static JsonElement apply(JsonElement target, JsonElement patch) {
    if (!patch.isJsonObject()) {
      return patch.deepCopy();
    }
    JsonObject result =
        target != null && target.isJsonObject()
            ? target.getAsJsonObject().deepCopy()
            : new JsonObject();
    for (Map.Entry<String, JsonElement> e : patch.getAsJsonObject().entrySet()) {
      if (e.getValue().isJsonNull()) {
        result.remove(e.getKey());
      } else {
        result.add(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }
}
