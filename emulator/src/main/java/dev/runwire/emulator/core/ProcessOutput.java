package dev.runwire.emulator.core;

import dev.runwire.processes.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where a local container's stdout and stderr go: always to files; with echo on, also to this
 * process's stdout, each line prefixed with the container's name.
 */
public final class ProcessOutput {

  private ProcessOutput() {}

  /** Starts {@code builder} with its output captured to {@code out} and {@code err}. */
  public static Process start(
      ChildProcesses processes,
      ProcessBuilder builder,
      Path out,
      Path err,
      boolean echo,
      String prefix,
      Consumer<String> announce)
      throws IOException {
    Files.createDirectories(out.getParent());
    if (!echo) {
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = processes.start(builder);
      announce.accept(prefix + " output: " + out + " and " + err);
      return p;
    }
    builder
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectError(ProcessBuilder.Redirect.PIPE);
    Process p = processes.start(builder);
    pump(p.getInputStream(), out, prefix, System.out);
    pump(p.getErrorStream(), err, prefix, System.out);
    return p;
  }

  private static void pump(InputStream in, Path file, String prefix, PrintStream echo) {
    Thread t =
        new Thread(
            () -> {
              try (in;
                  OutputStream f = Files.newOutputStream(file)) {
                StringBuilder line = new StringBuilder();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                  f.write(buf, 0, n);
                  f.flush();
                  String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                  for (char c : chunk.toCharArray()) {
                    if (c == '\n') {
                      echo.println("[" + prefix + "] " + line);
                      line.setLength(0);
                    } else {
                      line.append(c);
                    }
                  }
                }
                if (line.length() > 0) {
                  echo.println("[" + prefix + "] " + line);
                }
              } catch (IOException e) {
                // the process went away; its output so far is in the file
              }
            },
            "local-cloud-output-" + prefix);
    t.setDaemon(true);
    t.start();
  }
}
