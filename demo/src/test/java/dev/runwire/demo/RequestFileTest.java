package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestFileTest {

  @TempDir Path dir;

  Path write(String json) throws IOException {
    Path file = dir.resolve("request.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void eachReadOfTheSameFileGetsItsOwnRequestIdDerivedFromTheFilesId() throws IOException {
    Path file =
        write("{\"requestId\":\"visitor-1\",\"mode\":\"apply\",\"service\":{\"name\":\"s\"}}");
    RequestFile first = RequestFile.read(file, null, null);
    RequestFile second = RequestFile.read(file, null, null);
    assertTrue(first.requestId().matches("visitor-1-[0-9a-z]{4}"), first.requestId());
    assertNotEquals(first.requestId(), second.requestId());
    assertEquals(
        first.requestId(),
        JsonParser.parseString(first.json()).getAsJsonObject().get("requestId").getAsString());
    assertEquals("s", first.service());
    assertEquals("apply", first.mode());
  }

  @Test
  void modeAndExactIdReplaceTheFilesAndOtherFieldsStayAsWritten() throws IOException {
    Path file = write("{\"requestId\":\"visitor-1\",\"mode\":\"apply\",\"surprise\":[1,2]}");
    RequestFile request = RequestFile.read(file, Mode.DRIFT_CHECK, "exact-id");
    JsonObject json = JsonParser.parseString(request.json()).getAsJsonObject();
    assertEquals("drift-check", json.get("mode").getAsString());
    assertEquals("exact-id", json.get("requestId").getAsString());
    assertEquals(
        "[1,2]", json.get("surprise").toString(), "unknown fields are the validator's call");
  }

  @Test
  void fileWithoutIdGetsADemoId() throws IOException {
    assertTrue(RequestFile.read(write("{}"), null, null).requestId().startsWith("demo-"));
  }

  @Test
  void idStaysWithinTheSchemasLimit() {
    assertEquals(128, RequestFile.freshId("x".repeat(200)).length());
  }

  @Test
  void unreadableFilesSayWhy() throws IOException {
    IOException missing =
        assertThrows(
            IOException.class, () -> RequestFile.read(dir.resolve("nope.json"), null, null));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    IOException notJson =
        assertThrows(IOException.class, () -> RequestFile.read(write("{oops"), null, null));
    assertTrue(notJson.getMessage().contains("is not JSON"), notJson.getMessage());
    IOException array =
        assertThrows(IOException.class, () -> RequestFile.read(write("[]"), null, null));
    assertTrue(array.getMessage().contains("one JSON object"), array.getMessage());
  }
}
