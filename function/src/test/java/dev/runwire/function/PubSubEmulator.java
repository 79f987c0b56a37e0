package dev.runwire.function;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Google's Pub/Sub emulator (the jar the Cloud SDK ships) as a test fixture: started on a free
 * loopback port, stopped by PID on {@link #close()}. Topics and subscriptions are made and read
 * over the emulator's REST surface, so a test sees exactly what a subscriber would.
 */
public final class PubSubEmulator implements AutoCloseable {

  /** One message as a pull subscriber receives it; {@code data} decoded as UTF-8. */
  public record Received(String data, Map<String, String> attributes, String orderingKey) {}

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private static Path cachedJar;

  private final Process process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PubSubEmulator(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static PubSubEmulator start(Path logFile) throws IOException {
    Path jar = emulatorJar();
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--host=127.0.0.1",
                "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    PubSubEmulator emulator = new PubSubEmulator(process, port);
    try {
      emulator.awaitListening();
    } catch (IOException | RuntimeException e) {
      emulator.close();
      throw e;
    }
    return emulator;
  }

  /** {@code host:port}, the value of {@code PUBSUB_EMULATOR_HOST}. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public void createTopic(String topic) {
    call("PUT", "/v1/" + topic, "{}");
  }

  public void createSubscription(String subscription, String topic) {
    JsonObject body = new JsonObject();
    body.addProperty("topic", topic);
    body.addProperty("ackDeadlineSeconds", 60);
    body.addProperty("enableMessageOrdering", true);
    call("PUT", "/v1/" + subscription, body.toString());
  }

  /** Pulls and acknowledges whatever is there now (possibly nothing). */
  public List<Received> pullNow(String subscription) {
    JsonObject body = new JsonObject();
    body.addProperty("maxMessages", 100);
    body.addProperty("returnImmediately", true);
    JsonObject answer =
        JsonParser.parseString(call("POST", "/v1/" + subscription + ":pull", body.toString()))
            .getAsJsonObject();
    List<Received> received = new ArrayList<>();
    JsonArray ackIds = new JsonArray();
    if (answer.has("receivedMessages")) {
      for (JsonElement element : answer.getAsJsonArray("receivedMessages")) {
        JsonObject item = element.getAsJsonObject();
        ackIds.add(item.get("ackId"));
        JsonObject message = item.getAsJsonObject("message");
        Map<String, String> attributes = new LinkedHashMap<>();
        if (message.has("attributes")) {
          message
              .getAsJsonObject("attributes")
              .entrySet()
              .forEach(e -> attributes.put(e.getKey(), e.getValue().getAsString()));
        }
        String data =
            message.has("data")
                ? new String(
                    Base64.getDecoder().decode(message.get("data").getAsString()),
                    StandardCharsets.UTF_8)
                : "";
        String orderingKey =
            message.has("orderingKey") ? message.get("orderingKey").getAsString() : "";
        received.add(new Received(data, attributes, orderingKey));
      }
    }
    if (!ackIds.isEmpty()) {
      JsonObject ack = new JsonObject();
      ack.add("ackIds", ackIds);
      call("POST", "/v1/" + subscription + ":acknowledge", ack.toString());
    }
    return received;
  }

  /** Pulls until {@code count} messages arrived or {@code timeout} passed; returns all received. */
  public List<Received> await(String subscription, int count, Duration timeout) {
    List<Received> received = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      List<Received> batch = pullNow(subscription);
      received.addAll(batch);
      if (batch.isEmpty()) {
        sleep(20);
      }
    }
    return received;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String call(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + hostPort() + path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the Pub/Sub emulator exited with code " + process.exitValue() + " before listening");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IOException(
        "the Pub/Sub emulator did not listen on " + port + " within " + START_TIMEOUT);
  }

  /**
   * The emulator jar under the Cloud SDK: {@code RUNWIRE_PUBSUB_EMULATOR_JAR} if set, else {@code
   * <sdk root>/platform/pubsub-emulator/lib/cloud-pubsub-emulator-*-all.jar} with the SDK root from
   * {@code gcloud info}.
   */
  public static synchronized Path emulatorJar() throws IOException {
    if (cachedJar == null) {
      cachedJar = findEmulatorJar();
    }
    return cachedJar;
  }

  private static Path findEmulatorJar() throws IOException {
    String explicit = System.getenv("RUNWIRE_PUBSUB_EMULATOR_JAR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String sdkRoot = sdkRoot();
    Path lib = Path.of(sdkRoot, "platform", "pubsub-emulator", "lib");
    if (Files.isDirectory(lib)) {
      try (DirectoryStream<Path> jars =
          Files.newDirectoryStream(lib, "cloud-pubsub-emulator-*-all.jar")) {
        for (Path jar : jars) {
          return jar;
        }
      }
    }
    throw new IllegalStateException(
        "the Pub/Sub emulator is not installed: no cloud-pubsub-emulator-*-all.jar in "
            + lib
            + ". Install it with `gcloud components install pubsub-emulator` (or the Debian package"
            + " google-cloud-cli-pubsub-emulator), or set RUNWIRE_PUBSUB_EMULATOR_JAR to the jar");
  }

  private static String sdkRoot() throws IOException {
    try {
      Process gcloud =
          new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out =
          new String(gcloud.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (gcloud.waitFor(30, TimeUnit.SECONDS) && gcloud.exitValue() == 0 && !out.isEmpty()) {
        return out;
      }
    } catch (IOException e) {
      // gcloud is not on the PATH: try the Debian package's location below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (Files.isDirectory(Path.of("/usr/lib/google-cloud-sdk"))) {
      return "/usr/lib/google-cloud-sdk";
    }
    throw new IllegalStateException(
        "the Cloud SDK was not found (`gcloud info` failed and /usr/lib/google-cloud-sdk is"
            + " missing): install the Google Cloud CLI with its pubsub-emulator component, or set"
            + " RUNWIRE_PUBSUB_EMULATOR_JAR");
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
