package dev.runwire.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the built pieces of a runwire checkout are: the jars the demo runs as child processes and
 * the example requests. Found from {@code RUNWIRE_HOME} (set by {@code ./runwire}), else by walking
 * up from the working directory or from the demo jar to the folder with {@code demo/} and {@code
 * job/}.
 */
public record ProjectLayout(Path root) {

  public static final String HOME_ENV = "RUNWIRE_HOME";

  public ProjectLayout {
    root = root.toAbsolutePath().normalize();
  }

  public static ProjectLayout locate(Map<String, String> env) {
    List<Path> starts = new ArrayList<>();
    String home = env.get(HOME_ENV);
    if (home != null && !home.isBlank()) {
      starts.add(Path.of(home));
    }
    starts.add(Path.of("").toAbsolutePath());
    codeLocation().ifPresent(starts::add);
    for (Path start : starts) {
      for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
        if (isRoot(dir)) {
          return new ProjectLayout(dir);
        }
      }
    }
    throw new IllegalStateException(
        "cannot find the runwire checkout (a folder with pom.xml, demo/ and job/): run from inside"
            + " it or set "
            + HOME_ENV);
  }

  private static boolean isRoot(Path dir) {
    return Files.isRegularFile(dir.resolve("pom.xml"))
        && Files.isDirectory(dir.resolve("demo"))
        && Files.isDirectory(dir.resolve("job"));
  }

  private static java.util.Optional<Path> codeLocation() {
    try {
      var source = ProjectLayout.class.getProtectionDomain().getCodeSource();
      return source == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  public Path jobJar() {
    return root.resolve("job/target/runwire-job.jar");
  }

  public Path functionJar() {
    return root.resolve("function/target/runwire-function.jar");
  }

  public Path visitorCounterJar() {
    return root.resolve("examples/visitor-counter/target/visitor-counter.jar");
  }

  public Path invokerJar() {
    return root.resolve("demo/target/lib/java-function-invoker-2.0.0.jar");
  }

  public Path defaultRequest() {
    return root.resolve("schemas/examples/valid/direct-vpc-static-ip.json");
  }

  public Path logDir() {
    return root.resolve("demo/target/logs");
  }

  /** A path shown to the user: relative to the checkout when inside it. */
  public String display(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
  }

  /** Every jar the flow needs, with the module that builds it; empty when all are there. */
  public List<String> missingJars() {
    List<String> missing = new ArrayList<>();
    Map<Path, String> jars =
        Map.of(
            jobJar(), "job",
            functionJar(), "function",
            visitorCounterJar(), "examples/visitor-counter",
            invokerJar(), "demo");
    jars.forEach(
        (jar, module) -> {
          if (!Files.isRegularFile(jar)) {
            missing.add(display(jar) + " (module " + module + ")");
          }
        });
    return missing;
  }
}
