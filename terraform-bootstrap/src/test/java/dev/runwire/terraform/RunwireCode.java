package dev.runwire.terraform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Java code the bootstrap deploys, read as it is at test time from the sibling modules: which
 * {@code "RUNWIRE_..."} names its string literals hold, and whether a class exists.
 */
final class RunwireCode {

  private static final Pattern RUNWIRE_LITERAL = Pattern.compile("\"(RUNWIRE_[A-Z0-9_]+)\"");

  private final Path repository;

  private RunwireCode(Path repository) {
    this.repository = repository;
  }

  /** The repository root: the parent of the bootstrap module. */
  static RunwireCode beside(TerraformModule module) {
    return new RunwireCode(module.directory().getParent());
  }

  Path mainSources(String module) {
    return repository.resolve(module).resolve("src/main/java");
  }

  boolean hasMainSources(String module) {
    Path sources = mainSources(module);
    if (!Files.isDirectory(sources)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(sources)) {
      return files.anyMatch(p -> p.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every {@code "RUNWIRE_X"} literal in the main Java sources of the given modules. */
  Set<String> runwireNamesIn(String... modules) {
    Set<String> names = new TreeSet<>();
    for (String module : modules) {
      Path sources = mainSources(module);
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        files
            .filter(p -> p.toString().endsWith(".java"))
            .forEach(
                file -> {
                  Matcher m = RUNWIRE_LITERAL.matcher(TerraformModule.read(file));
                  while (m.find()) {
                    names.add(m.group(1));
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return names;
  }

  /** The source file of a class in a module's main sources. */
  Path classFile(String module, String className) {
    return mainSources(module).resolve(className.replace('.', '/') + ".java");
  }
}
