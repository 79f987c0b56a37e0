package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.demo.DemoOptions.UsageException;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void noFlagsRunTheDefaultRequestScaledWithoutFaults() {
    DemoOptions options = DemoOptions.parse();
    assertNull(options.request());
    assertNull(options.mode());
    assertNull(options.requestId());
    assertEquals(DemoOptions.DEFAULT_PROFILE, options.profile());
    assertEquals(0.0, options.faults());
    assertFalse(options.keepRunning());
    assertEquals(DemoOptions.DEFAULT_TIMEOUT, options.timeout());
  }

  @Test
  void everyFlagIsRead() {
    DemoOptions options =
        DemoOptions.parse(
            "--request",
            "my.json",
            "--mode=drift-check",
            "--request-id",
            "abc",
            "--profile",
            "scaled:5",
            "--faults",
            "0.2",
            "--keep-running",
            "--timeout",
            "90s",
            "--plain");
    assertEquals(Path.of("my.json"), options.request());
    assertEquals(Mode.DRIFT_CHECK, options.mode());
    assertEquals("abc", options.requestId());
    assertEquals("scaled:5", options.profile());
    assertEquals(0.2, options.faults());
    assertTrue(options.keepRunning());
    assertEquals(Duration.ofSeconds(90), options.timeout());
    assertEquals(Boolean.FALSE, options.ansi());
  }

  @Test
  void profilesInstantAndRealisticAreAccepted() {
    assertEquals("instant", DemoOptions.parse("--profile", "instant").profile());
    assertEquals("realistic", DemoOptions.parse("--profile=realistic").profile());
  }

  @Test
  void badValuesNameTheirFlag() {
    assertMessage("--mode", "--mode", "apply-all");
    assertMessage("--profile", "--profile", "fast");
    assertMessage("--profile", "--profile", "scaled:0");
    assertMessage("--faults", "--faults", "2");
    assertMessage("--faults", "--faults", "lots");
    assertMessage("--timeout", "--timeout", "soon");
    assertMessage("--timeout", "--timeout", "0s");
    assertMessage("--request", "--request");
    assertMessage("--request", "--request", "--keep-running");
    assertMessage("--frobnicate", "--frobnicate");
    assertMessage("'stray'", "stray");
  }

  @Test
  void usageTextNamesEveryFlag() {
    for (String flag :
        new String[] {
          "--request",
          "--mode",
          "--request-id",
          "--profile",
          "--faults",
          "--timeout",
          "--keep-running",
          "--plain"
        }) {
      assertTrue(DemoOptions.USAGE.contains(flag), flag);
    }
  }

  private static void assertMessage(String expected, String... args) {
    UsageException e = assertThrows(UsageException.class, () -> DemoOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
