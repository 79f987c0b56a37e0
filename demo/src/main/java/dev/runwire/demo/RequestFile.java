package dev.runwire.demo;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A request as the demo publishes it: the file's JSON with the mode and requestId rewritten, and
 * nothing else touched (unknown fields stay, so the function rejects them as it would in Google
 * Cloud).
 *
 * <p>requestId is the job's idempotency key, so publishing a file's id again would be recognised as
 * the same request. A demo run therefore publishes {@code <file's requestId>-<random suffix>}
 * unless {@code --request-id} names the exact id to use.
 */
record RequestFile(
    String json, String requestId, String mode, String project, String region, String service) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_ID_LENGTH = 128;

  /**
   * @param mode replaces the file's mode when not null
   * @param exactId the requestId to publish; {@code null} derives a fresh one from the file's
   */
  static RequestFile read(Path file, Mode mode, String exactId) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("request file not found: " + file);
    }
    JsonElement tree;
    try {
      tree = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new IOException(file + " is not JSON: " + rootCause(e));
    }
    if (!tree.isJsonObject()) {
      throw new IOException(file + " must hold one JSON object (a provisioning request)");
    }
    JsonObject request = tree.getAsJsonObject().deepCopy();
    String fileId = string(request, "requestId");
    String id = exactId != null ? exactId : freshId(fileId);
    request.addProperty("requestId", id);
    if (mode != null) {
      request.addProperty("mode", mode.wire());
    }
    String service = null;
    if (request.get("service") instanceof JsonObject s) {
      service = string(s, "name");
    }
    String project = null;
    String region = null;
    if (request.get("target") instanceof JsonObject t) {
      project = string(t, "project");
      region = string(t, "region");
    }
    String effectiveMode = string(request, "mode");
    return new RequestFile(
        request.toString(),
        id,
        effectiveMode == null ? "apply" : effectiveMode,
        project,
        region,
        service);
  }

  /**
   * {@code base-xxxxxx}: the file's id (or "demo") and a random suffix, at most 128 chars (the
   * schema's limit).
   */
  static String freshId(String base) {
    String suffix = Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
    suffix = "0".repeat(4 - suffix.length()) + suffix;
    String stem = base == null || base.isBlank() ? "demo" : base;
    int room = MAX_ID_LENGTH - suffix.length() - 1;
    if (stem.length() > room) {
      stem = stem.substring(0, room);
    }
    return stem + "-" + suffix;
  }

  private static String string(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
