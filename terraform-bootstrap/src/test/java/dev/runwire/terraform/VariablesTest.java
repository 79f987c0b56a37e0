package dev.runwire.terraform;

import static dev.runwire.terraform.TerraformModule.repeated;
import static dev.runwire.terraform.TerraformModule.text;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inputs say what they are for and refuse bad values with a message naming the fix. */
class VariablesTest {

  private static TerraformModule module;

  @BeforeAll
  static void load() {
    module = TerraformModule.load();
  }

  @Test
  void everyVariableSaysWhatItIsFor() {
    List<String> undocumented = new ArrayList<>();
    module
        .variables()
        .forEach(
            (name, body) -> {
              String description = text(body.get("description"));
              if (description == null || description.isBlank()) {
                undocumented.add(name);
              }
            });

    assertTrue(undocumented.isEmpty(), "variables without a description: " + undocumented);
  }

  @Test
  void keyInputsAreValidatedWithAnErrorMessage() {
    Map<String, Map<String, Object>> variables = module.variables();
    List<String> unvalidated = new ArrayList<>();
    for (String name :
        List.of(
            "project_id",
            "region",
            "target_projects",
            "network",
            "subnetwork",
            "job_image",
            "drift_check_schedule",
            "max_delivery_attempts",
            "function_source_zip")) {
      Map<String, Object> variable = variables.get(name);
      if (variable == null) {
        unvalidated.add(name + " (missing)");
        continue;
      }
      List<Map<String, Object>> validations = repeated(variable, "validation");
      if (validations.isEmpty()) {
        unvalidated.add(name);
      }
      for (Map<String, Object> validation : validations) {
        String message = text(validation.get("error_message"));
        if (message == null || message.length() < 20) {
          unvalidated.add(name + " (validation without a helpful error_message)");
        }
      }
    }

    assertTrue(unvalidated.isEmpty(), "inputs without validation: " + unvalidated);
  }
}
