package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON codec for API payloads: protobuf {@link JsonFormat} over the official proto classes,
 * so field names, int64-as-string and enums are exactly the wire's. Parsing rejects unknown fields
 * and accepts enum names and numbers; printing writes enum names.
 */
public final class ProtoJson {

  private final List<Descriptor> types = new ArrayList<>(List.of(Empty.getDescriptor()));
  private volatile JsonFormat.Parser parser;
  private volatile JsonFormat.Printer printer;

  /** Registers the types that travel inside {@code Any} (operation metadata and responses). */
  public synchronized void registerAnyTypes(Descriptor... descriptors) {
    types.addAll(List.of(descriptors));
    parser = null;
    printer = null;
  }

  public <B extends Message.Builder> B parse(byte[] body, B builder, String what) {
    return parse(new String(body, StandardCharsets.UTF_8), builder, what);
  }

  public <B extends Message.Builder> B parse(String json, B builder, String what) {
    if (json == null || json.isBlank()) {
      return builder;
    }
    try {
      parser().merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw ApiException.badRequest(
          "Invalid JSON payload received for '" + what + "': " + describe(e));
    }
  }

  public String print(MessageOrBuilder message) {
    try {
      return printer().print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  public JsonObject toTree(MessageOrBuilder message) {
    return JsonParser.parseString(print(message)).getAsJsonObject();
  }

  public <B extends Message.Builder> B fromTree(JsonElement tree, B builder, String what) {
    return parse(tree.toString(), builder, what);
  }

  /**
   * {@code message} changed by a JSON merge patch of its wire JSON (RFC 7386), the way an
   * out-of-band edit changes a stored resource; the result is parsed strictly like a request.
   */
  @SuppressWarnings("unchecked")
  public <M extends Message> M mergePatch(M message, JsonObject patch) {
    JsonElement merged = JsonMergePatch.apply(toTree(message), patch);
    return (M) fromTree(merged, message.newBuilderForType(), "patch").build();
  }

  public Any pack(Message message) {
    return Any.pack(message);
  }

  private JsonFormat.Parser parser() {
    JsonFormat.Parser p = parser;
    if (p == null) {
      synchronized (this) {
        p = JsonFormat.parser().usingTypeRegistry(registry());
        parser = p;
      }
    }
    return p;
  }

  private JsonFormat.Printer printer() {
    JsonFormat.Printer p = printer;
    if (p == null) {
      synchronized (this) {
        p = JsonFormat.printer().usingTypeRegistry(registry()).omittingInsignificantWhitespace();
        printer = p;
      }
    }
    return p;
  }

  private JsonFormat.TypeRegistry registry() {
    return JsonFormat.TypeRegistry.newBuilder().add(types).build();
  }

  private static String describe(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
