package dev.runwire.function;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Google's Pub/Sub emulator (the jar the Cloud SDK ships) as a test fixture: the local cloud's
 * {@link PubSubEmulatorProcess}, with topics and subscriptions made and read over the emulator's
 * REST surface, so a test sees exactly what a subscriber would.
 */
public final class PubSubEmulator implements AutoCloseable {

  /** One message as a pull subscriber receives it; {@code data} decoded as UTF-8. */
  public record Received(String data, Map<String, String> attributes, String orderingKey) {}

  private final PubSubEmulatorProcess process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PubSubEmulator(PubSubEmulatorProcess process) {
    this.process = process;
  }

  /** Starts the emulator the local cloud uses ({@link PubSubEmulatorProcess}). */
  public static PubSubEmulator start(Path logFile) {
    return new PubSubEmulator(PubSubEmulatorProcess.start(logFile));
  }

  /** {@code host:port}, the value of {@code PUBSUB_EMULATOR_HOST}. */
  public String hostPort() {
    return process.hostPort();
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
    process.close();
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
