package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import com.google.pubsub.v1.PubsubMessage;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the function does with what Pub/Sub delivers: bad messages, duplicate deliveries. */
@ExtendWith(SharedEnvironment.class)
class DeliveryEndToEndTest {

  @Test
  void badMessageGetsOneRejectedEventAndNoExecution(LocalEnvironment env) throws Exception {
    env.cloud().resetLog();
    JsonObject bad = Scenario.directVpc("e2e-bad", "10.10.3.0/26");
    bad.getAsJsonObject("egress").getAsJsonObject("subnet").addProperty("range", "10.10.3.0/29");
    bad.addProperty("colour", "blue");

    RequestTracker tracker = env.track(Scenario.id(bad));
    tracker.messageId(env.publish(bad.toString()));
    RequestTracker.Outcome outcome = tracker.await(Scenario.RUN_TIMEOUT);

    RejectedEvent rejected =
        assertInstanceOf(RequestTracker.Outcome.Rejected.class, outcome).rejected();
    List<String> pointers = rejected.problems().stream().map(p -> p.pointer()).toList();
    assertTrue(pointers.contains("/colour"), pointers.toString());
    assertTrue(pointers.contains("/egress/subnet/range"), pointers.toString());
    Thread.sleep(1500); // anything else about this request would have arrived by now
    assertEquals(1, tracker.events().size(), tracker.events().toString());
    assertEquals(0, Scenario.jobRuns(env), "a rejected request must not run the job");
  }

  @Test
  void duplicateDeliveryOfOneMessageRunsOneExecution(LocalEnvironment env) throws Exception {
    JsonObject request = Scenario.withMode(Scenario.directVpc("e2e-dup", "10.10.4.0/26"), "plan");
    env.cloud().resetLog();
    RequestTracker tracker = env.track(Scenario.id(request));
    PubsubMessage message =
        PubsubMessage.newBuilder()
            .setMessageId("duplicate-" + Scenario.id(request))
            .setPublishTime(Timestamps.fromMillis(System.currentTimeMillis()))
            .setData(ByteString.copyFromUtf8(request.toString()))
            .build();
    tracker.messageId(message.getMessageId());

    // Pub/Sub delivers at least once: the same message twice, as Eventarc would POST it.
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> response =
          http.send(
              EventarcBridge.cloudEventRequest(
                  message,
                  env.topology().requestsTopic(),
                  env.topology().requestsSubscription(),
                  env.invoker().url()),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(2, response.statusCode() / 100, "delivery " + (i + 1) + ": " + response.body());
    }

    RunEvent run = Scenario.runEvent(awaitFinished(tracker));
    assertEquals(RunEvent.Outcome.SUCCEEDED, run.status());
    assertEquals(1, Scenario.jobRuns(env), "executions started");
    List<AcceptedEvent> accepted = tracker.events(AcceptedEvent.class);
    assertEquals(2, accepted.size(), accepted.toString());
    // the two deliveries publish independently: either accepted event may arrive first
    assertEquals(
        1, accepted.stream().filter(AcceptedEvent::duplicate).count(), accepted.toString());
    assertEquals(accepted.get(0).execution(), accepted.get(1).execution());
    // one execution's worth of step events: each step started once
    long starts =
        tracker.events(StepEvent.class).stream()
            .filter(e -> e.status() == StepEvent.Status.STARTED && e.step().equals("network"))
            .count();
    assertEquals(1, starts);
  }

  private static RequestTracker awaitFinished(RequestTracker tracker) throws Exception {
    assertInstanceOf(RequestTracker.Outcome.Finished.class, tracker.await(Scenario.RUN_TIMEOUT));
    return tracker;
  }
}
