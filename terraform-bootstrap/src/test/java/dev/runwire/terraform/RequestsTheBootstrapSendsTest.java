package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request the bootstrap sends or tells people to send passes the request validator the
 * function runs: the scheduled drift check, the example in the outputs, the README's examples.
 */
class RequestsTheBootstrapSendsTest {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private static TerraformModule module;
  private static RequestValidator validator;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
    validator = RequestValidator.standard();
  }

  @Test
  void scheduledDriftCheckIsAValidScopedDriftCheck() {
    // What scheduler.tf builds for one project: the literal part plus requestId and scope.
    Map<String, Object> request = new LinkedHashMap<>(literal("drift_check_request"));
    request.put("requestId", "drift-acme-app-prod");
    request.put("scope", Map.of("project", "acme-app-prod", "regions", List.of("europe-west1")));

    ValidationResult result = validator.validate(GSON.toJson(request));

    assertTrue(result.valid(), "the scheduled drift check is rejected: " + result.problems());
    assertTrue(result.request().isScoped());
    assertEquals(ProvisioningRequest.Mode.DRIFT_CHECK, result.request().mode());
  }

  @Test
  void exampleRequestInTheOutputsIsAValidReadOnlyRequest() {
    Map<String, Object> request = new LinkedHashMap<>(literal("example_request_spec"));
    request.put(
        "target",
        Map.of("project", "acme-app-prod", "region", "europe-west1", "network", "default"));

    ValidationResult result = validator.validate(GSON.toJson(request));

    assertTrue(result.valid(), "the example request is rejected: " + result.problems());
    assertTrue(result.request().mode().isReadOnly(), "the pasted example must change nothing");
  }

  @Test
  void requestsShownInTheReadmeAreValid() {
    Path readme = module.directory().resolve("README.md");
    assertTrue(Files.exists(readme), "terraform-bootstrap/README.md is missing");
    List<String> requests = new ArrayList<>();
    // ```json blocks, and the JSON inside --message='...' of the commands shown.
    Matcher block =
        Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(TerraformModule.read(readme));
    while (block.find()) {
      requests.add(block.group(1));
    }
    Matcher message =
        Pattern.compile("--message='(\\{.*?})'").matcher(TerraformModule.read(readme));
    while (message.find()) {
      requests.add(message.group(1));
    }
    assertFalse(requests.isEmpty(), "the README shows no request");

    for (String json : requests) {
      if (!json.contains("\"apiVersion\"")) {
        continue;
      }
      ValidationResult result = validator.validate(json);
      assertTrue(result.valid(), "README request rejected: " + result.problems() + "\n" + json);
    }
  }

  @Test
  void readmeShowsTheExampleTheOutputsPrint() {
    // jsonencode writes object keys sorted and no spaces; the README shows acme-prod/europe-west1.
    Map<String, Object> request = new LinkedHashMap<>(literal("example_request_spec"));
    request.put(
        "target", Map.of("project", "acme-prod", "region", "europe-west1", "network", "default"));
    String expected = GSON.toJson(sortedKeys(request));

    Matcher message =
        Pattern.compile("topics publish projects/\\S+ --message='(\\{.*?})'")
            .matcher(TerraformModule.read(module.directory().resolve("README.md")));
    assertTrue(message.find(), "the README shows no gcloud pubsub topics publish example");
    assertEquals(expected, message.group(1));
  }

  private static Object sortedKeys(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedKeys(v)));
      return sorted;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RequestsTheBootstrapSendsTest::sortedKeys).toList();
    }
    return value;
  }

  private static Map<String, Object> literal(String local) {
    Map<String, Object> value = TerraformModule.map(module.locals().get(local));
    assertFalse(value.isEmpty(), "locals." + local + " must be a literal object");
    return value;
  }
}
