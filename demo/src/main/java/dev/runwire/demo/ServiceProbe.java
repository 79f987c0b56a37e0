package dev.runwire.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls the sample service the way a user would: {@code GET <url>/redis}. A revision that is still
 * starting refuses connections for a moment, so a refused connection is retried briefly; any HTTP
 * answer is returned as it is.
 */
final class ServiceProbe {

  /** One call's answer. */
  record Answer(int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Duration patience;

  ServiceProbe(Duration patience) {
    this.patience = patience;
  }

  Answer get(URI url) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().strip());
      } catch (java.net.ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("nothing listens on " + url + " (" + e.getMessage() + ")", e);
        }
        Thread.sleep(100);
      }
    }
  }
}
