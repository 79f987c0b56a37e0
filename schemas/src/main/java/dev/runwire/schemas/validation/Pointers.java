package dev.runwire.schemas.validation;

/** JSON pointer (RFC 6901) helpers. */
final class Pointers {

  private Pointers() {}

  /** Escapes one reference token: {@code ~} becomes {@code ~0}, {@code /} becomes {@code ~1}. */
  static String escape(String token) {
    return printable(token).replace("~", "~0").replace("/", "~1");
  }

  /**
   * A key as it may be shown in a message: control characters escaped, at most 64 characters, so a
   * hostile key cannot forge lines in a log or blow up an event.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 64; i++) {
      char c = text.charAt(i);
      if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || c == 0x2028
          || c == 0x2029
          || Character.isSurrogate(c) && !validPair(text, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= 64 && text.length() > 64) {
      out.append("...");
    }
    return out.toString();
  }

  /** True when {@code p} is {@code prefix} itself or lies below it. */
  static boolean isAtOrBelow(String p, String prefix) {
    return p.equals(prefix) || p.startsWith(prefix + "/") || prefix.isEmpty();
  }

  private static boolean validPair(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
