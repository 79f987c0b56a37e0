package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code terraform fmt -check -recursive}: the files are formatted the way Terraform writes them.
 */
class TerraformFormatTest {

  @Test
  void everyTerraformFileIsFormatted() throws Exception {
    Path terraform = onPath("terraform");
    assumeTrue(
        terraform != null,
        "terraform is not on PATH, so `terraform fmt -check` is skipped (CI machines have it:"
            + " install Terraform >= 1.4 to run this check)");

    Path module = TerraformModule.load().directory();
    Path output = Files.createTempFile("terraform-fmt", ".txt");
    Process process =
        new ProcessBuilder(
                terraform.toString(), "fmt", "-check", "-recursive", "-diff", "-no-color")
            .directory(module.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "terraform fmt did not finish in 60 s");
      String report = Files.readString(output, StandardCharsets.UTF_8);
      assertEquals(
          0,
          process.exitValue(),
          "terraform fmt -check found unformatted files; run `terraform fmt -recursive` in "
              + module
              + ":\n"
              + report);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }

  static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
