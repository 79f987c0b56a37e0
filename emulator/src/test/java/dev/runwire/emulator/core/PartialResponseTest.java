package dev.runwire.emulator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartialResponseTest {

  /** The example of Google's "Performance tips / Partial response" pages. */
  private static final String DEMO =
      "{\"kind\":\"demo\",\"items\":[{\"title\":\"First title\",\"comment\":\"First comment.\","
          + "\"characteristics\":{\"length\":\"short\",\"accuracy\":\"high\","
          + "\"followers\":[\"Jo\",\"Will\"]},\"status\":\"active\"},"
          + "{\"title\":\"Second title\",\"comment\":\"Second comment.\","
          + "\"characteristics\":{\"length\":\"long\",\"accuracy\":\"medium\",\"followers\":[]},"
          + "\"status\":\"pending\"}]}";

  private static String select(String mask, String json) {
    byte[] out =
        PartialResponse.of(Map.of("fields", List.of(mask)), null)
            .apply(json.getBytes(StandardCharsets.UTF_8));
    return JsonParser.parseString(new String(out, StandardCharsets.UTF_8)).toString();
  }

  private static String json(String text) {
    return JsonParser.parseString(text).toString();
  }

  @Test
  void selectsTheDocumentedExample() {
    assertEquals(
        json(
            "{\"kind\":\"demo\",\"items\":[{\"title\":\"First title\","
                + "\"characteristics\":{\"length\":\"short\"}},{\"title\":\"Second title\","
                + "\"characteristics\":{\"length\":\"long\"}}]}"),
        select("kind,items(title,characteristics/length)", DEMO));
  }

  @Test
  void dotsSlashesAndParenthesesSelectTheSame() {
    String slash = select("items/characteristics/length", DEMO);
    assertEquals(slash, select("items.characteristics.length", DEMO));
    assertEquals(slash, select("items(characteristics(length))", DEMO));
  }

  @Test
  void wildcardSelectsEveryFieldAtItsLevel() {
    assertEquals(json(DEMO), select("*", DEMO));
    assertEquals(
        json(
            "{\"items\":[{\"characteristics\":{\"followers\":[\"Jo\",\"Will\"]}},"
                + "{\"characteristics\":{\"followers\":[]}}]}"),
        select("items/*/followers", DEMO));
  }

  @Test
  void aFieldNotInTheAnswerSelectsNothing() {
    assertEquals(json("{\"kind\":\"demo\"}"), select("kind,completionTime", DEMO));
  }

  @Test
  void noMaskOrAnEmptyOneKeepsTheAnswerAsItIs() {
    byte[] body = DEMO.getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(body, PartialResponse.of(Map.of(), null).apply(body));
    assertArrayEquals(body, PartialResponse.of(Map.of("fields", List.of("")), null).apply(body));
  }

  @Test
  void theHeaderAndTheDollarSpellingWork() {
    byte[] body = DEMO.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "{\"kind\":\"demo\"}",
        new String(PartialResponse.of(Map.of(), "kind").apply(body), StandardCharsets.UTF_8));
    assertEquals(
        "{\"kind\":\"demo\"}",
        new String(
            PartialResponse.of(Map.of("$fields", List.of("kind")), null).apply(body),
            StandardCharsets.UTF_8));
  }

  @Test
  void aMalformedMaskIsABadRequest() {
    for (String bad : List.of("items(title", "items)", "a,,b", "a/", "a(b)c")) {
      ApiException e =
          assertThrows(
              ApiException.class,
              () -> PartialResponse.of(Map.of("fields", List.of(bad)), null),
              bad);
      assertEquals(400, e.httpStatus());
    }
  }
}
