package dev.runwire.emulator.compute;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The part of Compute's list {@code filter} syntax clients use to find resources: {@code name =
 * "x"}, {@code name != x}, {@code name eq x-.*}, {@code name ne x}, on any field path ({@code
 * network}, {@code logConfig.enable}), several terms in parentheses ANDed. Anything else is refused
 * naming {@code filter}, never ignored.
 */
final class ListFilter implements Predicate<JsonObject> {

  private static final Pattern TERM =
      Pattern.compile(
          "^\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*(=|!=|\\beq\\b|\\bne\\b)\\s*(\"[^\"]*\"|'[^']*'|\\S+)\\s*$");

  private record Term(String[] path, String op, String value, Pattern regex) {}

  private final List<Term> terms;

  private ListFilter(List<Term> terms) {
    this.terms = terms;
  }

  static ListFilter parse(String filter) {
    List<Term> terms = new ArrayList<>();
    if (filter == null || filter.isBlank()) {
      return new ListFilter(terms);
    }
    String text = filter.trim();
    List<String> parts = new ArrayList<>();
    if (text.startsWith("(")) {
      Matcher groups = Pattern.compile("\\(([^()]*)\\)\\s*(?:AND\\s*)?").matcher(text);
      int end = 0;
      while (groups.find() && groups.start() == end) {
        parts.add(groups.group(1));
        end = groups.end();
      }
      if (end != text.length()) {
        throw unsupported(filter);
      }
    } else {
      parts.add(text);
    }
    for (String part : parts) {
      Matcher m = TERM.matcher(part);
      if (!m.matches()) {
        throw unsupported(filter);
      }
      String value = m.group(3);
      if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      String op = m.group(2);
      Pattern regex = null;
      if (op.equals("eq") || op.equals("ne")) {
        try {
          regex = Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          throw ComputeErrors.invalid(
              "filter", filter, "'" + value + "' is not a regular expression");
        }
      }
      terms.add(new Term(m.group(1).split("\\."), op, value, regex));
    }
    return new ListFilter(terms);
  }

  @Override
  public boolean test(JsonObject resource) {
    for (Term t : terms) {
      String actual = valueAt(resource, t.path());
      boolean matches =
          switch (t.op()) {
            case "=" -> t.value().equals(actual) || linkEndsWith(actual, t.value());
            case "!=" -> !(t.value().equals(actual) || linkEndsWith(actual, t.value()));
            case "eq" -> actual != null && t.regex().matcher(actual).matches();
            default -> actual == null || !t.regex().matcher(actual).matches();
          };
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  /** {@code network = my-net} matches the link of network my-net, as Compute does. */
  private static boolean linkEndsWith(String actual, String value) {
    return actual != null && actual.startsWith("https://") && actual.endsWith("/" + value);
  }

  private static String valueAt(JsonObject resource, String[] path) {
    JsonElement e = resource;
    for (String p : path) {
      if (e == null || !e.isJsonObject()) {
        return null;
      }
      e = e.getAsJsonObject().get(p);
    }
    return e == null || !e.isJsonPrimitive() ? null : e.getAsString();
  }

  private static RuntimeException unsupported(String filter) {
    return ComputeErrors.invalid(
        "filter",
        filter,
        "The local cloud understands 'FIELD = VALUE', 'FIELD != VALUE', 'FIELD eq REGEX',"
            + " 'FIELD ne REGEX' and several such terms in parentheses, e.g. (name = \"a\")"
            + " (region eq .*us-central1)");
  }
}
