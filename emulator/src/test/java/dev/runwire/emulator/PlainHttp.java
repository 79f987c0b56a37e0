package dev.runwire.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The local cloud as any REST client (curl, gcloud, terraform) reaches it: JSON over HTTP. */
public final class PlainHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PlainHttp() {}

  /** {@code method path} on the cloud with a JSON {@code body} (null for none). */
  public static HttpResponse<String> send(LocalCloud cloud, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
