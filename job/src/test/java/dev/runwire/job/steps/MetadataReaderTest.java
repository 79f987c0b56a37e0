package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepFailure;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata read copes like Google's libraries: 5xx, 408, 429, timeouts and refused connections
 * are retried with a doubling pause, up to 4 tries; other answers fail at once. (A small fake
 * metadata server: what matters here is the client's side; the local cloud's real server is tested
 * in the emulator module and in OwnJobProbeImageTest.)
 */
class MetadataReaderTest {

  private static final String PURPOSE = ", so nothing";

  /** Status, body and delay of each answer in turn; the last one repeats. */
  private record Answer(int status, String body, long delayMillis) {}

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Duration> pauses = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serve(Answer... answers) throws Exception {
    Deque<Answer> queue = new ConcurrentLinkedDeque<>(List.of(answers));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          Answer a = queue.size() > 1 ? queue.poll() : queue.peek();
          try {
            Thread.sleep(a.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(a.status(), body.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
          } catch (java.io.IOException gone) {
            // the client timed out
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Random 1.0: the top of RetryPolicy's equal jitter, i.e. the full doubling pause. */
  private MetadataReader reader(String host) {
    return new MetadataReader(
        host, Duration.ofMillis(300), Duration.ofSeconds(1), pauses::add, () -> 1.0);
  }

  @Test
  void aBusyServerIsAskedAgainWithADoublingPause() throws Exception {
    String host =
        serve(new Answer(503, "", 0), new Answer(500, "", 0), new Answer(200, "home\n", 0));

    assertEquals("home", reader(host).read("project/project-id", PURPOSE));
    assertEquals(3, requests.get());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), pauses);
  }

  @Test
  void anAnswerThatTimesOutIsAskedAgain() throws Exception {
    String host = serve(new Answer(200, "late", 2_000), new Answer(200, "home", 0));

    assertEquals("home", reader(host).read("project/project-id", PURPOSE));
    assertEquals(1, pauses.size());
  }

  @Test
  void noServerIsTransientAfterFourTries() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    StepFailure f =
        assertThrows(
            StepFailure.class,
            () -> reader("127.0.0.1:" + closed).read("project/project-id", PURPOSE));

    assertEquals(Reasons.METADATA_UNAVAILABLE, f.reason());
    assertEquals(3, pauses.size(), "4 tries, 3 pauses");
    assertTrue(f.getMessage().contains("in 4 tries (ConnectException"), f.getMessage());
    assertTrue(f.getMessage().endsWith(PURPOSE), f.getMessage());
  }

  @Test
  void aRefusalIsNotAskedAgainAndNoBodyReachesTheMessage() throws Exception {
    String host = serve(new Answer(404, "token ya29.secret", 0));

    StepFailure f =
        assertThrows(StepFailure.class, () -> reader(host).read("instance/region", PURPOSE));

    assertEquals(Reasons.VERIFY_FAILED, f.reason());
    assertEquals(1, requests.get());
    assertTrue(pauses.isEmpty());
    assertTrue(f.getMessage().contains("HTTP 404"), f.getMessage());
    assertFalse(f.getMessage().contains("ya29"), f.getMessage());
  }

  @Test
  void aServerStillFailingAfterTheRetriesIsTransientAndItsBodyStaysOut() throws Exception {
    String host = serve(new Answer(503, "token ya29.secret", 0));

    StepFailure f =
        assertThrows(StepFailure.class, () -> reader(host).read("instance/region", PURPOSE));

    assertEquals(Reasons.METADATA_UNAVAILABLE, f.reason());
    assertEquals(MetadataReader.ATTEMPTS, requests.get());
    assertFalse(f.getMessage().contains("ya29"), f.getMessage());
  }
}
