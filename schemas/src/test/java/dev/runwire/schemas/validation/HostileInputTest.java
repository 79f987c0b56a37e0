package dev.runwire.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.schemas.Examples;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Whatever arrives, the validator answers with problems; it never throws or hangs. */
class HostileInputTest {

  private static final byte[] STRUCTURE =
      "{}[]\",:\\ 0-9eE.tfn\n".getBytes(StandardCharsets.US_ASCII);

  private final RequestValidator validator = RequestValidator.standard();

  @Test
  void mutatedRequestsNeverThrowAndAlwaysExplainThemselves() {
    Random random = new Random(20261122L);
    List<byte[]> seeds = new ArrayList<>();
    for (var file : Examples.list("valid")) {
      seeds.add(Examples.read("valid/" + file.getFileName()).getBytes(StandardCharsets.UTF_8));
    }
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
      ValidationResult result = validator.validate(input);
      assertWellFormed(result, input);
      rejected += result.valid() ? 0 : 1;
    }
    // Most mutations break something; a fuzzer that only produces valid input tests nothing.
    assertTrue(rejected > 2000, "only " + rejected + " of 3000 mutations were rejected");
  }

  @Test
  void everyFieldOfEveryExampleReplacedByEveryKindOfValueIsHandled() {
    List<String> values =
        List.of(
            "null",
            "true",
            "0",
            "-1",
            "1.5",
            "1e300",
            "\"\"",
            "\"x\"",
            "[]",
            "[1,\"a\"]",
            "{}",
            "{\"x\":1}",
            "\"10.8.0.0/28\"",
            "\"" + "a".repeat(500) + "\"");
    int checked = 0;
    for (var file : Examples.list("valid")) {
      String example = "valid/" + file.getFileName();
      JsonObject tree = JsonParser.parseString(Examples.read(example)).getAsJsonObject();
      for (String pointer : pointers(tree, "")) {
        byte[] removed = Examples.without(example, pointer).getBytes(StandardCharsets.UTF_8);
        assertWellFormed(validator.validate(removed), removed);
        for (String value : values) {
          byte[] input = Examples.with(example, pointer, value).getBytes(StandardCharsets.UTF_8);
          assertWellFormed(validator.validate(input), input);
          checked++;
        }
      }
    }
    assertTrue(checked > 1000, "only " + checked + " variations");
  }

  private static List<String> pointers(JsonElement node, String prefix) {
    List<String> out = new ArrayList<>();
    if (node.isJsonObject()) {
      for (String key : node.getAsJsonObject().keySet()) {
        out.add(prefix + "/" + key);
        out.addAll(pointers(node.getAsJsonObject().get(key), prefix + "/" + key));
      }
    }
    return out;
  }

  @Test
  void randomBytesNeverThrow() {
    Random random = new Random(7L);
    for (int i = 0; i < 1000; i++) {
      byte[] input = new byte[random.nextInt(300)];
      random.nextBytes(input);
      ValidationResult result = validator.validate(input);
      assertWellFormed(result, input);
      assertFalse(result.valid());
    }
  }

  @Test
  void deeplyNestedObjectsAndArraysStopAtTheDepthLimit() {
    String objects = "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000);
    String arrays = "{\"a\":" + "[".repeat(60_000) + "]".repeat(60_000) + "}";

    for (String input : List.of(objects, arrays)) {
      ValidationResult result = validator.validate(input);
      assertFalse(result.valid());
      assertTrue(
          result.problems().get(0).message().contains("larger than")
              || result.problems().get(0).message().contains("limit is")
              || result.problems().get(0).message().contains("nesting"),
          result.problems().toString());
    }
    ValidationResult withinSize =
        validator.validate("{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}");
    assertTrue(withinSize.problems().get(0).message().contains("nesting is deeper than 32 levels"));
  }

  @Test
  void hostileKeysAndValuesAreShownSafely() {
    String json =
        Examples.with("valid/direct-vpc-static-ip.json", "/target/x\u001b[31m\nforged: line", "1")
            .replace("\"mode\":\"apply\"", "\"mode\":\"" + "\\u2028".repeat(3) + "\"");

    ValidationResult result = validator.validate(json);

    assertFalse(result.valid());
    for (Problem problem : result.problems()) {
      assertTrue(
          problem.toString().chars().noneMatch(c -> c < 0x20 || c == 0x2028),
          () -> "control character in " + problem);
    }
  }

  @Test
  void unpairedSurrogateInAJavaStringIsRejected() {
    ValidationResult result = validator.validate("{\"requestId\":\"a\uD800\"}");

    assertEquals(
        List.of(
            new Problem(
                "", "the request contains an unpaired surrogate; it is not valid Unicode text")),
        result.problems());
  }

  @Test
  void concurrentValidationsAgree() throws Exception {
    String valid = Examples.read("valid/direct-vpc-static-ip.json");
    String invalid =
        Examples.with("valid/direct-vpc-static-ip.json", "/egress/subnet/range", "\"10.8.0.0/28\"");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        boolean even = i % 2 == 0;
        answers.add(pool.submit(() -> validator.validate(even ? valid : invalid).valid() == even));
      }
      for (Future<Boolean> answer : answers) {
        assertTrue(answer.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertWellFormed(ValidationResult result, byte[] input) {
    String shown = new String(input, StandardCharsets.UTF_8);
    assertNotNull(result, shown);
    assertEquals(result.valid(), result.problems().isEmpty(), shown);
    assertEquals(result.valid(), result.request() != null, shown);
    for (Problem problem : result.problems()) {
      assertNotNull(problem.pointer(), shown);
      assertNotNull(problem.message(), shown);
      assertTrue(problem.message().length() < 1000, problem::message);
      assertFalse(problem.message().contains("please report it"), () -> shown + " -> " + problem);
    }
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] out = seed.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(5)) {
        case 0 -> out[at] = (byte) random.nextInt(256);
        case 1 -> out[at] = STRUCTURE[random.nextInt(STRUCTURE.length)];
        case 2 -> out = java.util.Arrays.copyOf(out, Math.max(1, at));
        case 3 -> {
          int from = random.nextInt(out.length);
          int length = Math.min(out.length - from, random.nextInt(40));
          byte[] grown = new byte[out.length + length];
          System.arraycopy(out, 0, grown, 0, at);
          System.arraycopy(out, from, grown, at, length);
          System.arraycopy(out, at, grown, at + length, out.length - at);
          out = grown;
        }
        default -> {
          // Swap a digit run for a very large one.
          out =
              new String(out, StandardCharsets.ISO_8859_1)
                  .replaceFirst(
                      "[0-9]+",
                      "9".repeat(1 + random.nextInt(30)) + (random.nextBoolean() ? "e999999" : ""))
                  .getBytes(StandardCharsets.ISO_8859_1);
        }
      }
    }
    return out;
  }
}
