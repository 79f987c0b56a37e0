package dev.runwire.emulator.redis;

import dev.runwire.processes.CommandOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The {@code redis-server} that {@code com.github.codemonstur:embedded-redis} ships in its jar, for
 * machines with none installed: extracted once per version and platform to a cache directory
 * ({@code $XDG_CACHE_HOME/runwire}, else {@code ~/.cache/runwire}) and checked with {@code
 * --version} before it is used. Extraction writes a temporary file in the same directory, makes it
 * executable and renames it into place, so two JVMs starting at once never see a half-written
 * binary (the later rename replaces an identical file).
 */
final class BundledRedis {

  private static final Logger LOG = Logger.getLogger(BundledRedis.class.getName());

  /** Platform ({@code os-arch}) to the binary's resource name in the embedded-redis 1.4.3 jar. */
  private static final Map<String, String> RESOURCES =
      Map.of(
          "linux-amd64", "redis-server-6.2.6-v5-linux-amd64",
          "linux-arm64", "redis-server-6.2.7-linux-arm64",
          "linux-386", "redis-server-6.2.7-linux-386",
          "darwin-amd64", "redis-server-6.2.6-v5-darwin-amd64",
          "darwin-arm64", "redis-server-6.2.6-v5-darwin-arm64");

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);

  /** What {@link RedisServers#describe()} shows for a binary that came from here. */
  static final String LABEL = "bundled";

  private BundledRedis() {}

  /** This machine's platform as the jar names it, e.g. {@code linux-amd64}. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : os;
    String a =
        switch (arch) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i486", "i586", "i686" -> "386";
          default -> arch;
        };
    return o + "-" + a;
  }

  /** The cache directory binaries are extracted to. */
  static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("runwire");
  }

  /**
   * The bundled binary for this platform, extracted to {@link #cacheDir()} if not there yet; empty
   * when the jar has none for this platform or it does not run here (the reason is logged).
   */
  static Optional<Path> binary() {
    return binary(platform(), cacheDir());
  }

  /**
   * Synchronized: while one thread writes the temporary file, a process another thread forks
   * inherits its write descriptor for a moment, and executing the binary then fails with "Text file
   * busy" (JDK-8068370). Other processes forked here meanwhile are covered by {@link #runs}.
   */
  static synchronized Optional<Path> binary(String platform, Path cacheDir) {
    String resource = RESOURCES.get(platform);
    if (resource == null) {
      LOG.fine("embedded-redis has no redis-server for " + platform);
      return Optional.empty();
    }
    try {
      Path target = cacheDir.resolve(resource);
      if (!Files.isExecutable(target)) {
        extract(resource, target);
      }
      if (!runs(target)) {
        LOG.warning("the bundled " + target + " does not run on this machine (" + platform + ")");
        return Optional.empty();
      }
      return Optional.of(target);
    } catch (IOException e) {
      LOG.warning("could not extract the bundled redis-server: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static void extract(String resource, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), resource + ".", ".part");
    try {
      try (InputStream in = BundledRedis.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException(resource + " is not on the classpath (embedded-redis missing)");
        }
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException e) {
        if (!temp.toFile().setExecutable(true)) {
          throw new IOException("cannot make " + temp + " executable", e);
        }
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * {@code redis-server --version} exits 0 and names Redis. "Text file busy" (a child forked by
   * another thread of this JVM still holds the extraction's write descriptor) is retried briefly.
   */
  private static boolean runs(Path binary) {
    for (int attempt = 1; ; attempt++) {
      try {
        return versionRuns(binary);
      } catch (IOException e) {
        if (attempt == 10 || !String.valueOf(e.getMessage()).contains("Text file busy")) {
          return false;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  private static boolean versionRuns(Path binary) throws IOException {
    return CommandOutput.of(
            new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true),
            VERSION_TIMEOUT)
        .filter(out -> out.succeeded() && out.text().contains("Redis server"))
        .isPresent();
  }
}
