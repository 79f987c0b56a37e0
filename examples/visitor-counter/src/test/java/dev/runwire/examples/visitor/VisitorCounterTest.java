package dev.runwire.examples.visitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class VisitorCounterTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void rootSaysHello() throws Exception {
    try (VisitorCounter app = new VisitorCounter(0, null)) {
      HttpResponse<String> response = get(app, "/");
      assertEquals(200, response.statusCode());
      assertTrue(response.body().startsWith("Hello"));
    }
  }

  @Test
  void redisPathWithoutWiringSaysWhatToDo() throws Exception {
    try (VisitorCounter app = new VisitorCounter(0, null)) {
      HttpResponse<String> response = get(app, "/redis");
      assertEquals(503, response.statusCode());
      assertTrue(response.body().contains("REDIS_HOST is not set"), response.body());
    }
  }

  @Test
  void unreachableRedisIsA503WithoutDetails() throws Exception {
    var nowhere = new VisitorCounter.RedisLocation("127.0.0.1", 1, "s3cret-auth");
    try (VisitorCounter app = new VisitorCounter(0, nowhere)) {
      HttpResponse<String> response = get(app, "/redis");
      assertEquals(503, response.statusCode());
      assertTrue(!response.body().contains("s3cret-auth"), response.body());
    }
  }

  private HttpResponse<String> get(VisitorCounter app, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
