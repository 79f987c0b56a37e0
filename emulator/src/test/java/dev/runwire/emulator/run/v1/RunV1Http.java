package dev.runwire.emulator.run.v1;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Plain HTTP to the local cloud, directly (v2) or as a proxy to a regional host (v1, as gcloud).
 */
final class RunV1Http {

  record Answer(int status, JsonObject body) {}

  private final String base;
  private final int port;
  private final HttpClient direct = HttpClient.newHttpClient();
  private final HttpClient proxied;

  RunV1Http(String base) {
    this.base = base;
    this.port = URI.create(base).getPort();
    this.proxied =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", port)))
            .build();
  }

  /** A v1 call to {@code http://REGION-run.local:PORT/PATH} through the proxy port. */
  Answer v1(String method, String region, String path, JsonObject body) throws Exception {
    return send(proxied, method, "http://" + region + "-run.local:" + port + path, body);
  }

  /** A call straight to the local cloud's base URL (v2, VPC Access). */
  Answer direct(String method, String path, JsonObject body) throws Exception {
    return send(direct, method, base + path, body);
  }

  private static Answer send(HttpClient client, String method, String url, JsonObject body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    String text = r.body().isBlank() ? "{}" : r.body();
    return new Answer(r.statusCode(), JsonParser.parseString(text).getAsJsonObject());
  }

  static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }
}
