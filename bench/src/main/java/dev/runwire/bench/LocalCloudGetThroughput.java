package dev.runwire.bench;

import dev.runwire.emulator.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * Measures the local cloud's start-up time and GET throughput from one client thread with
 * keep-alive: {@code java -cp bench/target/runwire-bench.jar
 * dev.runwire.bench.LocalCloudGetThroughput [requests]}.
 */
public final class LocalCloudGetThroughput {

  private LocalCloudGetThroughput() {}

  /** The same loop with HttpURLConnection (what google-http-client uses under gax). */
  private static void urlConnection(String url, int requests) throws Exception {
    java.net.URL u = URI.create(url).toURL();
    byte[] buf = new byte[16384];
    for (int i = 0; i < 3000; i++) {
      fetch(u, buf);
    }
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      fetch(u, buf);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%d GETs with HttpURLConnection (keep-alive): %.0f req/s%n", requests, requests / seconds);
  }

  private static void fetch(java.net.URL u, byte[] buf) throws Exception {
    java.net.HttpURLConnection c = (java.net.HttpURLConnection) u.openConnection();
    if (c.getResponseCode() != 200) {
      throw new IllegalStateException("GET answered " + c.getResponseCode());
    }
    try (var in = c.getInputStream()) {
      while (in.read(buf) > 0) {
        // drain so the connection goes back to the keep-alive cache
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    long t0 = System.nanoTime();
    try (LocalCloud cloud = LocalCloud.builder().start()) {
      long startupMicros = (System.nanoTime() - t0) / 1000;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String secret = cloud.baseUrl() + "/v1/projects/bench/secrets/s";
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(cloud.baseUrl() + "/v1/projects/bench/secrets?secretId=s"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"replication\":{\"automatic\":{}}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 200) {
        throw new IllegalStateException(created.body());
      }
      HttpRequest get = HttpRequest.newBuilder(URI.create(secret)).GET().build();
      for (int i = 0; i < 3000; i++) {
        http.send(get, HttpResponse.BodyHandlers.ofByteArray());
      }
      cloud.resetLog();
      long[] latencies = new long[requests];
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        long s = System.nanoTime();
        HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("GET answered " + r.statusCode());
        }
        latencies[i] = System.nanoTime() - s;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(latencies);
      System.out.printf(
          "start-up (in-process LocalCloud.start): %.1f ms%n", startupMicros / 1000.0);
      System.out.printf(
          "%d GETs from one thread with keep-alive: %.0f req/s, p50 %.0f us, p99 %.0f us%n",
          requests,
          requests / seconds,
          latencies[requests / 2] / 1000.0,
          latencies[(int) (requests * 0.99)] / 1000.0);
      System.out.println("request log: " + cloud.counters());
      urlConnection(secret, requests);
    }
  }
}
