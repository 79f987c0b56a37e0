package dev.runwire.function;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivers CloudEvents over HTTP in binary content mode, the way Eventarc pushes a Pub/Sub message
 * to a Cloud Run function: context attributes as {@code ce-*} headers, the {@code
 * {message,subscription}} envelope as the body.
 */
public final class EventarcPush {

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI target;

  public EventarcPush(int port) {
    this.target = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The headers Eventarc sends for a Pub/Sub message with id {@code messageId}. */
  public static Map<String, String> messagePublishedHeaders(String messageId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", messageId);
    headers.put("ce-type", MessagePublishedDecoder.MESSAGE_PUBLISHED);
    headers.put("ce-source", PubSubDeliveries.SOURCE.toString());
    headers.put("ce-time", "2026-11-02T10:15:30.123Z");
    headers.put("Content-Type", "application/json; charset=utf-8");
    return headers;
  }

  /** POSTs {@code body} with {@code headers}; returns the HTTP status. */
  public int post(Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  public int postMessage(String messageId, String requestJson)
      throws IOException, InterruptedException {
    return post(
        messagePublishedHeaders(messageId),
        PubSubDeliveries.envelope(messageId, requestJson)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
