package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.processes.FreePorts;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that never reach the Run API: the launcher points at a loopback port where nothing
 * listens, so any call to it would surface as a transient failure instead of a rejection.
 */
class RejectionTest {

  private final FunctionFixture fixture = new FunctionFixture();
  private final RecordingEventSink events = fixture.events;
  private ProvisioningRequestFunction function;

  @BeforeEach
  void start() throws IOException {
    function =
        fixture.function(
            Map.of(
                "RUNWIRE_JOB", "projects/runwire-demo/locations/us-central1/jobs/runwire-job",
                "RUNWIRE_LOCAL_CLOUD", "http://127.0.0.1:" + FreePorts.pick(),
                "RUNWIRE_MAX_MESSAGE_BYTES", "4096",
                "RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void requestWithSeveralProblemsIsRejectedOnceListingThemAll() {
    function.accept(PubSubDeliveries.message("101", Requests.withThreeProblems("bad-1")));

    RejectedEvent rejected = events.single(RejectedEvent.class);
    assertEquals("bad-1", rejected.requestId());
    assertEquals("101", rejected.messageId());
    assertHasProblemAt(rejected, "/mode");
    assertHasProblemAt(rejected, "/egress/subnet/range");
    assertHasProblemAt(rejected, "/service/colour");
    assertEquals(3, rejected.problems().size(), rejected.problems()::toString);
    assertEquals(1, events.flushes());
  }

  @Test
  void payloadThatIsNotJsonIsRejectedWithoutARequestId() {
    function.accept(PubSubDeliveries.message("102", "requestId=r-1&mode=apply"));

    RejectedEvent rejected = events.single(RejectedEvent.class);
    assertNull(rejected.requestId());
    assertEquals("102", rejected.messageId());
  }

  @Test
  void undecodableEnvelopeIsRejectedWithTheEventId() {
    function.accept(PubSubDeliveries.event("103", "not json".getBytes(StandardCharsets.UTF_8)));

    RejectedEvent rejected = events.single(RejectedEvent.class);
    assertEquals("103", rejected.messageId());
    assertEquals("", rejected.problems().get(0).pointer());
  }

  @Test
  void requestOverTheConfiguredCapIsRejectedNamingTheVariable() {
    String big = Requests.apply("big-1").replace("\"apply\"", "\"apply\"" + " ".repeat(5000));

    function.accept(PubSubDeliveries.message("104", big));

    assertTrue(
        events
            .single(RejectedEvent.class)
            .problems()
            .get(0)
            .message()
            .contains("RUNWIRE_MAX_MESSAGE_BYTES"));
  }

  @Test
  void rejectionIsLoggedAsStructuredJsonWithoutTheRequestBody() {
    function.accept(PubSubDeliveries.message("105", Requests.withThreeProblems("bad-5")));

    String log = fixture.log();
    assertTrue(log.contains("\"severity\":\"WARNING\""), log);
    assertTrue(log.contains("\"requestId\":\"bad-5\""), log);
    assertTrue(
        !log.contains("visitor-counter-redis"), "the request body leaked into the log: " + log);
  }

  @Test
  void validRequestWhenTheRunApiIsUnreachableThrowsForRedeliveryAndPublishesNothing() {
    RequestIntake.LaunchFailedException thrown =
        assertThrows(
            RequestIntake.LaunchFailedException.class,
            () -> function.accept(PubSubDeliveries.message("106", Requests.apply("ok-6"))));

    assertTrue(thrown.getMessage().contains("transient"), thrown.getMessage());
    assertEquals(0, events.events().size());
  }

  private static void assertHasProblemAt(RejectedEvent rejected, String pointer) {
    assertTrue(
        rejected.problems().stream().map(Problem::pointer).anyMatch(pointer::equals),
        () -> "no problem at " + pointer + " in " + rejected.problems());
  }
}
