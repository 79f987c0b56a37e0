package dev.runwire.emulator.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which container images run as which local command: the command stands for the image's entrypoint;
 * the container's {@code args} are appended. {@code local/app} matches {@code local/app}, {@code
 * local/app:tag} and {@code local/app@sha256:...}.
 */
public final class ImageCommands {

  private final Map<String, List<String>> commands = new TreeMap<>();

  public ImageCommands map(String image, List<String> argv) {
    if (image == null || image.isBlank() || argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("an image command needs an image and a non-empty argv");
    }
    commands.put(image.trim(), List.copyOf(argv));
    return this;
  }

  public Optional<List<String>> commandFor(String image) {
    List<String> exact = commands.get(image);
    if (exact != null) {
      return Optional.of(exact);
    }
    return Optional.ofNullable(commands.get(repository(image)));
  }

  public Map<String, List<String>> all() {
    return Map.copyOf(commands);
  }

  private static String repository(String image) {
    String s = image;
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    return colon > slash ? s.substring(0, colon) : s;
  }
}
