package dev.runwire.emulator.pubsub;

import dev.runwire.processes.CommandOutput;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Google's Pub/Sub emulator jar ({@code cloud-pubsub-emulator-*-all.jar}), in this order:
 * {@code PUBSUB_EMULATOR_JAR}; the Cloud SDK that {@code gcloud info} reports; the usual SDK
 * install folders.
 */
public final class PubSubEmulatorJar {

  public static final String JAR_ENV = "PUBSUB_EMULATOR_JAR";

  static final String LIB_DIR = "platform/pubsub-emulator/lib";
  static final List<Path> WELL_KNOWN_SDK_ROOTS =
      List.of(
          Path.of("/usr/lib/google-cloud-sdk"),
          Path.of("/usr/share/google-cloud-sdk"),
          Path.of("/opt/google-cloud-sdk"),
          Path.of(System.getProperty("user.home"), "google-cloud-sdk"));

  private static final Pattern JAR_NAME =
      Pattern.compile("cloud-pubsub-emulator-([0-9][0-9.]*)-all\\.jar");

  private PubSubEmulatorJar() {}

  /**
   * The emulator jar.
   *
   * @throws PubSubEmulatorMissingException with one line saying what to install
   */
  public static Path locate(Map<String, String> env) {
    String explicit = env.get(JAR_ENV);
    if (explicit != null && !explicit.isBlank()) {
      Path jar = Path.of(explicit.trim());
      if (!Files.isRegularFile(jar)) {
        throw new PubSubEmulatorMissingException(
            JAR_ENV
                + "="
                + explicit
                + " is not a file: point it at cloud-pubsub-emulator-*-all.jar or unset it");
      }
      return jar;
    }
    List<Path> roots = new ArrayList<>();
    gcloudSdkRoot().ifPresent(roots::add);
    roots.addAll(WELL_KNOWN_SDK_ROOTS);
    for (Path root : roots) {
      Optional<Path> jar = newestJarIn(root.resolve(LIB_DIR));
      if (jar.isPresent()) {
        return jar.get();
      }
    }
    throw new PubSubEmulatorMissingException(
        "Google's Pub/Sub emulator is not installed: run `gcloud components install"
            + " pubsub-emulator` or `sudo apt-get install google-cloud-cli-pubsub-emulator`"
            + " (or set "
            + JAR_ENV
            + " to cloud-pubsub-emulator-*-all.jar)");
  }

  /** The newest {@code cloud-pubsub-emulator-<version>-all.jar} in {@code libDir}. */
  static Optional<Path> newestJarIn(Path libDir) {
    if (!Files.isDirectory(libDir)) {
      return Optional.empty();
    }
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(libDir)) {
      for (Path file : stream) {
        if (JAR_NAME.matcher(file.getFileName().toString()).matches()) {
          jars.add(file);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return jars.stream().max(Comparator.comparing(PubSubEmulatorJar::version, VERSION_ORDER));
  }

  private static List<Integer> version(Path jar) {
    Matcher m = JAR_NAME.matcher(jar.getFileName().toString());
    List<Integer> parts = new ArrayList<>();
    if (m.matches()) {
      for (String part : m.group(1).split("\\.")) {
        if (!part.isEmpty()) {
          parts.add(Integer.parseInt(part));
        }
      }
    }
    return parts;
  }

  private static final Comparator<List<Integer>> VERSION_ORDER =
      (a, b) -> {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
          int x = i < a.size() ? a.get(i) : 0;
          int y = i < b.size() ? b.get(i) : 0;
          if (x != y) {
            return Integer.compare(x, y);
          }
        }
        return 0;
      };

  /** What {@code gcloud info --format=value(installation.sdk_root)} prints, if gcloud runs. */
  private static Optional<Path> gcloudSdkRoot() {
    try {
      return CommandOutput.of(
              new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
                  .redirectError(ProcessBuilder.Redirect.DISCARD),
              Duration.ofSeconds(20))
          .filter(out -> out.succeeded() && !out.text().isBlank())
          .map(out -> Path.of(out.text().trim()));
    } catch (IOException e) {
      return Optional.empty(); // no gcloud on PATH
    }
  }
}
