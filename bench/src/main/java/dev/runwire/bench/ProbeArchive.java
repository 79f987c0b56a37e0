package dev.runwire.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An AppCDS archive for the probe's JVM, the way figure 4 trains the job's: one training run of
 * {@code runwire-job probe} with {@code -XX:ArchiveClassesAtExit} against a minimal RESP responder
 * on loopback (so the archive holds the Redis client's classes up to PING and INCR), then every
 * probe task starts with {@code -XX:SharedArchiveFile}. The archive is only valid for this JVM and
 * this jar, which is why it is trained here and not shipped.
 */
final class ProbeArchive {

  private ProbeArchive() {}

  /** Trains {@code archive} for {@code java flags -jar jobJar probe}; returns it. */
  static Path train(String java, List<String> flags, Path jobJar, Path archive) {
    try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      Thread responder = new Thread(() -> answer(server), "probe-archive-redis");
      responder.setDaemon(true);
      responder.start();
      Files.createDirectories(archive.toAbsolutePath().getParent());
      Files.deleteIfExists(archive);
      List<String> argv = new ArrayList<>();
      argv.add(java);
      argv.add("-XX:ArchiveClassesAtExit=" + archive);
      argv.addAll(flags);
      argv.add("-jar");
      argv.add(jobJar.toString());
      argv.add("probe");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().put("REDIS_HOST", "127.0.0.1");
      pb.environment().put("REDIS_PORT", Integer.toString(server.getLocalPort()));
      pb.redirectOutput(archive.resolveSibling("probe-archive-training.log").toFile());
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(archive)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "training the probe's archive failed (see %s)",
                archive.resolveSibling("probe-archive-training.log")));
      }
      return archive;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Answers RESP2 commands: PING with PONG, INCR with 1, anything else (CLIENT, AUTH) OK. */
  private static void answer(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.startsWith("*")) {
            continue;
          }
          int args = Integer.parseInt(line.substring(1));
          String command = null;
          for (int i = 0; i < args; i++) {
            in.readLine(); // $length
            String arg = in.readLine();
            if (i == 0) {
              command = arg.toUpperCase(Locale.ROOT);
            }
          }
          String reply =
              switch (String.valueOf(command)) {
                case "PING" -> "+PONG\r\n";
                case "INCR" -> ":1\r\n";
                default -> "+OK\r\n";
              };
          out.write(reply.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException e) {
        // the training JVM closed the connection, or the server was closed
      }
    }
  }
}
