package dev.runwire.terraform;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.HCLParserException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The bootstrap's {@code .tf} files, each parsed with hcl4j and merged into one tree: {@code
 * resource -> type -> name -> attributes}, and the same for {@code variable}, {@code locals},
 * {@code output}.
 *
 * <p>hcl4j evaluates what it can: literals and blocks come through as written (a repeated block as
 * a list of maps), a reference such as {@code google_pubsub_topic.events.id} as an object whose
 * text is the reference, {@code var.*} and function calls mostly as {@code null}. So checks here
 * are about literals, blocks and references, never about evaluated expressions.
 */
final class TerraformModule {

  private final Path directory;
  private final Map<Path, String> texts;
  private final Map<String, Object> tree;

  private TerraformModule(Path directory, Map<Path, String> texts, Map<String, Object> tree) {
    this.directory = directory;
    this.texts = texts;
    this.tree = tree;
  }

  private static TerraformModule current;

  /**
   * The module this test runs in (Maven runs tests with the module's folder as working dir), parsed
   * once per test JVM.
   */
  static synchronized TerraformModule load() {
    if (current == null) {
      current = load(Path.of("").toAbsolutePath());
    }
    return current;
  }

  static TerraformModule load(Path directory) {
    Map<Path, String> texts = new LinkedHashMap<>();
    Map<String, Object> tree = new LinkedHashMap<>();
    for (Path file : tfFiles(directory)) {
      String text = read(file);
      texts.put(file, text);
      Map<String, Object> parsed;
      try {
        parsed = quietly(() -> new HCLParser().parse(text));
      } catch (HCLParserException | IOException | RuntimeException e) {
        throw new AssertionError(
            directory.relativize(file)
                + " does not parse as HCL: "
                + e.getMessage()
                + " (hcl4j cannot read a string template or a nested object inside a for"
                + " expression: write those with join()/format() and flat values)",
            e);
      }
      mergeInto(tree, parsed, 2);
    }
    if (texts.isEmpty()) {
      throw new AssertionError("no .tf files in " + directory);
    }
    return new TerraformModule(directory, texts, tree);
  }

  Path directory() {
    return directory;
  }

  /** File name -> text of every {@code .tf} file. */
  Map<Path, String> texts() {
    return texts;
  }

  /** All {@code resource "type" "name"} blocks of one type, by name. */
  Map<String, Map<String, Object>> resources(String type) {
    return blocks("resource", type);
  }

  /** Every resource: type -> name -> attributes. */
  Map<String, Map<String, Map<String, Object>>> allResources() {
    Map<String, Map<String, Map<String, Object>>> all = new LinkedHashMap<>();
    for (String type : map(tree.get("resource")).keySet()) {
      all.put(type, resources(type));
    }
    return all;
  }

  Map<String, Object> resource(String type, String name) {
    Map<String, Object> block = resources(type).get(name);
    if (block == null) {
      throw new AssertionError(
          "resource \"" + type + "\" \"" + name + "\" not found in " + directory);
    }
    return block;
  }

  Map<String, Map<String, Object>> variables() {
    Map<String, Map<String, Object>> variables = new LinkedHashMap<>();
    map(tree.get("variable")).forEach((name, body) -> variables.put(name, map(body)));
    return variables;
  }

  Map<String, Object> locals() {
    return map(tree.get("locals"));
  }

  private Map<String, Map<String, Object>> blocks(String kind, String type) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    map(map(tree.get(kind)).get(type)).forEach((name, body) -> byName.put(name, map(body)));
    return byName;
  }

  // ---- navigating parsed values -------------------------------------------------------------

  /** The map at {@code path} (block or object), failing with the path when it is absent. */
  static Map<String, Object> block(Map<String, Object> from, String... path) {
    Object current = from;
    StringBuilder where = new StringBuilder();
    for (String key : path) {
      where.append('.').append(key);
      Object next = map(current).get(key);
      if (next instanceof List<?> list && list.size() == 1) {
        next = list.get(0);
      }
      if (!(next instanceof Map<?, ?>)) {
        throw new AssertionError("no block " + where.substring(1) + " in " + from.keySet());
      }
      current = next;
    }
    return map(current);
  }

  /** A block that may repeat ({@code env { }}), always as a list. */
  static List<Map<String, Object>> repeated(Map<String, Object> from, String key) {
    Object value = from.get(key);
    List<Map<String, Object>> blocks = new ArrayList<>();
    if (value instanceof Map<?, ?>) {
      blocks.add(map(value));
    } else if (value instanceof List<?> list) {
      list.forEach(item -> blocks.add(map(item)));
    }
    return blocks;
  }

  /** A literal or a reference as text ({@code google_pubsub_topic.events.id}); null stays null. */
  static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  /** Every string-ish leaf under {@code value}: literals and references, as text. */
  static List<String> leaves(Object value) {
    List<String> out = new ArrayList<>();
    collectLeaves(value, out);
    return out;
  }

  private static void collectLeaves(Object value, List<String> out) {
    if (value instanceof Map<?, ?> m) {
      m.values().forEach(v -> collectLeaves(v, out));
    } else if (value instanceof List<?> l) {
      l.forEach(v -> collectLeaves(v, out));
    } else if (value != null) {
      out.add(String.valueOf(value));
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
  }

  private interface Parse {
    Map<String, Object> run() throws HCLParserException, IOException;
  }

  /** hcl4j traces its evaluation on System.out; keep the build log for what matters. */
  private static Map<String, Object> quietly(Parse parse) throws HCLParserException, IOException {
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return parse.run();
    } finally {
      System.setOut(out);
    }
  }

  private static void mergeInto(Map<String, Object> into, Map<String, Object> from, int depth) {
    from.forEach(
        (key, value) -> {
          Object existing = into.get(key);
          if (depth > 0 && existing instanceof Map<?, ?> && value instanceof Map<?, ?>) {
            mergeInto(map(existing), map(value), depth - 1);
          } else if (depth > 0 && value instanceof Map<?, ?>) {
            Map<String, Object> copy = new LinkedHashMap<>();
            mergeInto(copy, map(value), depth - 1);
            into.put(key, copy);
          } else {
            into.put(key, value);
          }
        });
  }

  private static List<Path> tfFiles(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(p -> p.toString().endsWith(".tf"))
          .filter(p -> !directory.relativize(p).startsWith(".terraform"))
          .filter(p -> !directory.relativize(p).startsWith("target"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
