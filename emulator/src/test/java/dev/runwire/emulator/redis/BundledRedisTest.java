package dev.runwire.emulator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledRedisTest {

  @TempDir Path cache;

  @Test
  void bundledBinaryIsExtractedOnceAndRuns() throws Exception {
    assumeTrue(BundledRedis.platform().equals("linux-amd64"), "binary checked on linux-amd64");
    Path binary = BundledRedis.binary("linux-amd64", cache).orElseThrow();
    assertTrue(Files.isExecutable(binary));
    assertTrue(binary.getFileName().toString().startsWith("redis-server-6.2"));
    Process p = new ProcessBuilder(binary.toString(), "--version").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    assertTrue(out.contains("v=6.2"), out);

    long modified = Files.getLastModifiedTime(binary).toMillis();
    assertEquals(binary, BundledRedis.binary("linux-amd64", cache).orElseThrow());
    assertEquals(modified, Files.getLastModifiedTime(binary).toMillis(), "extracted only once");
  }

  @Test
  void concurrentStartsEachGetACompleteBinaryAndLeaveNoTemporaryFiles() throws Exception {
    assumeTrue(BundledRedis.platform().equals("linux-amd64"), "binary checked on linux-amd64");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<Optional<Path>> extract = () -> BundledRedis.binary("linux-amd64", cache);
      List<Future<Optional<Path>>> results = pool.invokeAll(List.of(extract, extract, extract));
      for (Future<Optional<Path>> r : results) {
        assertTrue(r.get().isPresent(), "every caller gets a binary that runs");
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(
          List.of("redis-server-6.2.6-v5-linux-amd64"),
          files.map(f -> f.getFileName().toString()).toList());
    }
  }

  @Test
  void platformWithoutABinaryGetsNone() {
    assertTrue(BundledRedis.binary("plan9-mips", cache).isEmpty());
  }

  @Test
  void platformNamesFollowTheJar() {
    String p = BundledRedis.platform();
    assertTrue(p.matches("[a-z0-9]+-[a-z0-9_]+"), p);
  }
}
