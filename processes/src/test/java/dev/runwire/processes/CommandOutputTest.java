package dev.runwire.processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandOutputTest {

  @Test
  void aShortCommandGivesItsOutputAndExitCode() throws IOException {
    Optional<CommandOutput> out =
        CommandOutput.of(
            new ProcessBuilder("sh", "-c", "echo 'Redis server v=6.2.11'; echo oops >&2; exit 3")
                .redirectErrorStream(true),
            Duration.ofSeconds(10));

    assertEquals(Optional.of(new CommandOutput(3, "Redis server v=6.2.11\noops\n")), out);
    assertFalse(out.get().succeeded());
  }

  @Test
  void aCommandThatOutlastsItsTimeoutIsStoppedWithItsChildren() throws IOException {
    long start = System.nanoTime();

    Optional<CommandOutput> out =
        CommandOutput.of(
            new ProcessBuilder("sh", "-c", "sleep 30 & echo started; wait"),
            Duration.ofMillis(300));

    assertEquals(Optional.empty(), out);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "did not wait 30 s");
  }

  @Test
  void aCommandThatCannotStartThrowsSoTheCallerCanRetry() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                CommandOutput.of(
                    new ProcessBuilder("/no/such/redis-server"), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("/no/such/redis-server"), e.getMessage());
  }
}
