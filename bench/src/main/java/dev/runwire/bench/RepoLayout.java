package dev.runwire.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's built artifacts are, found from the working directory upwards. */
record RepoLayout(Path root) {

  static RepoLayout find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("job"))) {
        return new RepoLayout(p);
      }
    }
    throw new IllegalStateException(
        "run the benchmark from the runwire repository (no mvnw + job/ above " + dir + ")");
  }

  Path jobJar() {
    return require(
        root.resolve("job/target/runwire-job.jar"), "./mvnw -q -pl job -am package -DskipTests");
  }

  Path functionJar() {
    return require(
        root.resolve("function/target/runwire-function.jar"),
        "./mvnw -q -pl function -am package -DskipTests");
  }

  /** The Functions Framework invoker this module's build copies (as the demo's does). */
  Path invokerJar() {
    for (Path candidate :
        new Path[] {
          root.resolve("bench/target/invoker/java-function-invoker-2.0.0.jar"),
          root.resolve("demo/target/lib/java-function-invoker-2.0.0.jar")
        }) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return require(
        root.resolve("bench/target/invoker/java-function-invoker-2.0.0.jar"),
        "./mvnw -q -pl bench -am package -DskipTests");
  }

  /** This module's own jar + lib/, for child JVMs that run a bench class. */
  Path benchJar() {
    return require(
        root.resolve("bench/target/runwire-bench.jar"),
        "./mvnw -q -pl bench -am package -DskipTests");
  }

  Path results() {
    return root.resolve("bench/results");
  }

  private static Path require(Path path, String build) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(path + " is missing: build it with " + build);
    }
    return path;
  }
}
