package dev.runwire.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.schemas.Examples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  private List<String> lines() {
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void validFilePrintsItsIdAndModeAndExitsZero() {
    int exit = ValidateCommand.run("examples/valid/direct-vpc-static-ip.json", NO_STDIN, out);

    assertEquals(0, exit);
    assertEquals(List.of("valid: demo-visitor-counter-1 (apply)"), lines());
  }

  @Test
  void invalidFilePrintsEveryProblemOnItsOwnLineAndExitsTwo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("request.json");
    Files.writeString(
        file,
        Examples.edited(
            "valid/connector-range.json",
            "/egress/connector/range",
            "\"10.8.0.0/24\"",
            "/allowDataLoss",
            "true"));

    int exit = ValidateCommand.run(file.toString(), NO_STDIN, out);

    assertEquals(2, exit);
    assertEquals(
        List.of(
            "/allowDataLoss: allowDataLoss is only allowed with mode destroy; remove it or set it to false",
            "/egress/connector/range: 10.8.0.0/24 must be a /28 for a connector range, e.g. 10.8.0.0/28"),
        lines());
  }

  @Test
  void dashReadsTheRequestFromStandardInput() {
    byte[] request =
        Examples.read("valid/drift-check-scoped.json").getBytes(StandardCharsets.UTF_8);

    int exit = ValidateCommand.run("-", new ByteArrayInputStream(request), out);

    assertEquals(0, exit);
    assertEquals(List.of("valid: nightly-drift-2026-11-22 (drift-check)"), lines());
  }

  @Test
  void missingFileIsExplainedAndExitsTwo() {
    int exit = ValidateCommand.run("no/such/request.json", NO_STDIN, out);

    assertEquals(2, exit);
    assertEquals(List.of("cannot read no/such/request.json: no such file"), lines());
  }

  @Test
  void directoryIsExplainedAndExitsTwo(@TempDir Path dir) {
    int exit = ValidateCommand.run(dir.toString(), NO_STDIN, out);

    assertEquals(2, exit);
    assertTrue(
        lines().get(0).endsWith("it is a directory; give a request file"), lines().toString());
  }

  @Test
  void missingArgumentPrintsUsage() {
    assertEquals(2, ValidateCommand.run("", NO_STDIN, out));
    assertTrue(lines().get(0).startsWith("usage: validate"));
  }

  @Test
  void oversizedStdinIsReadOnlyUpToTheCap() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return ' ';
          }
        };

    int exit = ValidateCommand.run("-", endless, out);

    assertEquals(2, exit);
    assertTrue(lines().get(0).contains("the limit is 65536 bytes"), lines().toString());
  }
}
