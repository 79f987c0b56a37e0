package dev.runwire.emulator.compute;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/**
 * A request body read as a {@link Struct} (so nulls and empty lists of a JSON merge patch survive)
 * turned back into a gson tree, with integral numbers kept integral.
 */
final class StructJson {

  private StructJson() {}

  static JsonObject toTree(Struct struct) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Value> e : struct.getFieldsMap().entrySet()) {
      out.add(e.getKey(), toTree(e.getValue()));
    }
    return out;
  }

  private static JsonElement toTree(Value v) {
    return switch (v.getKindCase()) {
      case STRUCT_VALUE -> toTree(v.getStructValue());
      case LIST_VALUE -> toTree(v.getListValue());
      case STRING_VALUE -> new JsonPrimitive(v.getStringValue());
      case BOOL_VALUE -> new JsonPrimitive(v.getBoolValue());
      case NUMBER_VALUE -> number(v.getNumberValue());
      default -> JsonNull.INSTANCE;
    };
  }

  private static JsonArray toTree(ListValue list) {
    JsonArray out = new JsonArray();
    list.getValuesList().forEach(v -> out.add(toTree(v)));
    return out;
  }

  private static JsonPrimitive number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      return new JsonPrimitive((long) d);
    }
    return new JsonPrimitive(d);
  }
}
