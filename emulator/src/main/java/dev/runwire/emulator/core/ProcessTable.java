package dev.runwire.emulator.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The parent of every process on this Linux host, read in one pass over {@code /proc/<pid>/stat}
 * (the way {@code ps} does): {@code 1234 (comm) S 1200 ...}, the parent's pid being the field after
 * the state; the command name may hold spaces and parentheses, so parsing starts after the last
 * {@code ')'}.
 */
final class ProcessTable {

  private static final Path PROC = Path.of("/proc");

  private ProcessTable() {}

  /** pid to parent pid; empty where there is no {@code /proc}. */
  static Map<Long, Long> parents() {
    Map<Long, Long> out = new HashMap<>();
    if (!Files.isDirectory(PROC)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long ppid = parentIn(entry.resolve("stat"));
        if (ppid >= 0) {
          out.put(Long.parseLong(name), ppid);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return out;
  }

  /** The parent pid in a {@code stat} file, or -1 when the process is gone. */
  static long parentIn(Path stat) {
    try {
      return parentOf(Files.readString(stat, StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long parentOf(String stat) {
    int close = stat.lastIndexOf(')');
    String[] f = stat.substring(close + 2).split(" ", 3);
    return Long.parseLong(f[1]);
  }
}
