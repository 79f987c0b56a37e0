package dev.runwire.terraform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A folder to run runwire's shell scripts in with a PATH we control: a {@code tools} dir of
 * symlinks to the ordinary commands the scripts use (so a test decides whether {@code gcloud},
 * {@code terraform} or {@code java} exist at all), and fakes that append each call to {@code
 * calls.log} and answer from a small script.
 */
final class ScriptSandbox {

  /** The ordinary commands the scripts call, linked from the real PATH. */
  private static final List<String> BASIC_TOOLS =
      List.of(
          "bash",
          "env",
          "dirname",
          "basename",
          "readlink",
          "sort",
          "tail",
          "head",
          "find",
          "cat",
          "mkdir",
          "sed",
          "grep",
          "awk",
          "ls",
          "rm",
          "cp",
          "tr",
          "printenv",
          "git",
          "seq",
          "sleep");

  private final Path root;
  private final Path tools;
  private final Path fakes;
  private final Path log;

  ScriptSandbox(Path root) {
    this.root = root;
    this.tools = mkdirs(root.resolve("tools"));
    this.fakes = mkdirs(root.resolve("fakes"));
    this.log = root.resolve("calls.log");
    for (String tool : BASIC_TOOLS) {
      Path real = TerraformFormatTest.onPath(tool);
      if (real != null) {
        link(tools.resolve(tool), real);
      }
    }
  }

  Path root() {
    return root;
  }

  /** Links the JDK running the tests as {@code java} and {@code jar}. */
  ScriptSandbox withJdk() {
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    link(tools.resolve("java"), bin.resolve("java"));
    if (Files.isExecutable(bin.resolve("jar"))) {
      link(tools.resolve("jar"), bin.resolve("jar"));
    } else {
      Path jar = TerraformFormatTest.onPath("jar");
      assertTrue(jar != null, "no jar tool next to " + bin + " nor on PATH");
      link(tools.resolve("jar"), jar);
    }
    return this;
  }

  /**
   * A fake command in {@code dir} that logs "name args" (one line per call) and then runs {@code
   * body} (bash, with the arguments in {@code $@}).
   */
  Path fake(Path dir, String name, String body) {
    Path file = dir.resolve(name);
    write(
        file,
        "#!/usr/bin/env bash\n"
            + "printf '%s\\n' \""
            + name
            + " $*\" >> '"
            + log
            + "'\n"
            + body
            + "\n");
    executable(file);
    return file;
  }

  Path fake(String name, String body) {
    return fake(fakes, name, body);
  }

  /** The calls the fakes saw, in order. */
  List<String> calls() {
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PATH: the given dirs, then the fakes, then the basic tools; nothing else. */
  String path(Path... first) {
    List<String> dirs = new ArrayList<>();
    for (Path dir : first) {
      dirs.add(dir.toString());
    }
    dirs.add(fakes.toString());
    dirs.add(tools.toString());
    return String.join(File.pathSeparator, dirs);
  }

  /** Copies a file of the repository to the same relative path under the sandbox root. */
  Path copyFromRepository(Path repository, String relative) {
    Path target = root.resolve(relative);
    try {
      Files.createDirectories(target.getParent());
      Files.copy(repository.resolve(relative), target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executable(target);
    return target;
  }

  record Result(int exit, String output, long millis) {}

  /** Runs with exactly {@code env} (plus HOME in the sandbox and the given PATH). */
  Result run(Path workDir, Map<String, String> env, String... command) {
    try {
      Path output = Files.createTempFile(root, "out", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().clear();
      Map<String, String> all = new LinkedHashMap<>();
      all.put("HOME", mkdirs(root.resolve("home")).toString());
      all.put("PATH", path());
      all.putAll(env);
      builder.environment().putAll(all);
      long start = System.nanoTime();
      Process process = builder.start();
      try {
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out: " + List.of(command));
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(
            process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), millis);
      } finally {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Path repository() {
    return TerraformModule.load().directory().getParent();
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void executable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void link(Path link, Path target) {
    try {
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
