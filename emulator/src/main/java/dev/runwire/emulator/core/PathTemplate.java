package dev.runwire.emulator.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A REST path such as {@code /v2/projects/{project}/locations/{location}/jobs/{job}:run}: literal
 * segments, one variable per {@code {name}} segment and an optional custom verb after the last
 * segment's colon.
 */
public final class PathTemplate {

  private final String text;
  private final String[] segments;
  private final String verb;

  private PathTemplate(String text, String[] segments, String verb) {
    this.text = text;
    this.segments = segments;
    this.verb = verb;
  }

  public static PathTemplate of(String text) {
    Split split = Split.of(text, false);
    return new PathTemplate(text, split.segments(), split.verb());
  }

  /** The variables of {@code rawPath} when it matches, else {@code null}. */
  public Map<String, String> match(Split path) {
    if (path.segments().length != segments.length || !verb.equals(path.verb())) {
      return null;
    }
    Map<String, String> vars = null;
    for (int i = 0; i < segments.length; i++) {
      String t = segments[i];
      String p = path.segments()[i];
      if (t.startsWith("{")) {
        if (p.isEmpty()) {
          return null;
        }
        if (vars == null) {
          vars = new HashMap<>(4);
        }
        vars.put(t.substring(1, t.length() - 1), p);
      } else if (!t.equals(p)) {
        return null;
      }
    }
    return vars == null ? Map.of() : vars;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A path cut into decoded segments and its custom verb ("" when none). */
  public record Split(String[] segments, String verb) {

    public static Split of(String rawPath, boolean decode) {
      String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
      String verb = "";
      int slash = path.lastIndexOf('/');
      int colon = path.indexOf(':', slash + 1);
      if (colon >= 0) {
        verb = path.substring(colon + 1);
        path = path.substring(0, colon);
      }
      String[] segments = path.split("/", -1);
      if (decode) {
        for (int i = 0; i < segments.length; i++) {
          if (segments[i].indexOf('%') >= 0 || segments[i].indexOf('+') >= 0) {
            segments[i] =
                URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
          }
        }
      }
      return new Split(segments, verb);
    }

    public List<String> asList() {
      return List.of(segments);
    }
  }
}
