package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Requests for the end-to-end tests and what they check about the events, built from the default
 * demo request so every scenario starts from what a user runs. Each scenario names its own service,
 * Redis instance and subnet, so scenarios sharing one local cloud do not touch each other.
 */
final class Scenario {

  static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger IDS = new AtomicInteger();

  private Scenario() {}

  /** The default demo request, renamed for {@code service} and its Redis/subnet. */
  static JsonObject directVpc(String service, String subnetRange) {
    JsonObject request = defaultRequest();
    request.getAsJsonObject("service").addProperty("name", service);
    request.getAsJsonObject("redis").addProperty("name", service + "-redis");
    JsonObject subnet = request.getAsJsonObject("egress").getAsJsonObject("subnet");
    subnet.addProperty("name", service + "-egress");
    subnet.addProperty("range", subnetRange);
    return withFreshId(request);
  }

  /** The same request through a Serverless VPC Access connector on an explicit /28 subnet. */
  static JsonObject connector(String service, String subnetRange) {
    JsonObject request = directVpc(service, subnetRange);
    JsonObject egress = new JsonObject();
    egress.addProperty("mode", "connector");
    JsonObject connector = new JsonObject();
    connector.addProperty("name", service + "-conn");
    JsonObject subnet = new JsonObject();
    subnet.addProperty("name", service + "-conn-subnet");
    subnet.addProperty("range", subnetRange);
    connector.add("subnet", subnet);
    egress.add("connector", connector);
    egress.addProperty("route", "all-traffic");
    request.add("egress", egress);
    return request;
  }

  static JsonObject withFreshId(JsonObject request) {
    JsonObject copy = request.deepCopy();
    copy.addProperty(
        "requestId",
        copy.getAsJsonObject("service").get("name").getAsString() + "-" + IDS.incrementAndGet());
    return copy;
  }

  static JsonObject withMode(JsonObject request, String mode) {
    JsonObject copy = withFreshId(request);
    copy.addProperty("mode", mode);
    return copy;
  }

  static String id(JsonObject request) {
    return request.get("requestId").getAsString();
  }

  static String service(JsonObject request) {
    return request.getAsJsonObject("service").get("name").getAsString();
  }

  static JsonObject defaultRequest() {
    try {
      return JsonParser.parseString(
              Files.readString(ProjectLayout.locate(Map.of()).defaultRequest()))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deploys the sample service, publishes {@code request} and waits for its run event. */
  static RequestTracker run(LocalEnvironment env, JsonObject request) throws Exception {
    RequestTracker tracker = env.track(id(request));
    tracker.messageId(env.publish(request.toString()));
    RequestTracker.Outcome outcome;
    try {
      outcome = tracker.await(RUN_TIMEOUT);
    } catch (java.util.concurrent.TimeoutException e) {
      // Keep what a person needs to see why: the last events and the local cloud's state.
      java.nio.file.Path state = env.logDir().resolve("state-at-timeout-" + id(request) + ".json");
      Files.writeString(state, env.cloud().state().toString());
      List<dev.runwire.schemas.events.RunwireEvent> events = tracker.events();
      throw new AssertionError(
          "no run event for "
              + id(request)
              + " within "
              + RUN_TIMEOUT
              + "; last events: "
              + events.subList(Math.max(0, events.size() - 3), events.size())
              + "; local cloud state in "
              + state,
          e);
    }
    assertInstanceOf(
        RequestTracker.Outcome.Finished.class, outcome, "the request did not run: " + outcome);
    return tracker;
  }

  static RunEvent runEvent(RequestTracker tracker) {
    return ((RequestTracker.Outcome.Finished) tracker.outcome().join()).run();
  }

  /** Step events grouped by step, each step's in arrival order. */
  static Map<String, List<StepEvent>> stepsOf(RequestTracker tracker) {
    Map<String, List<StepEvent>> byStep = new LinkedHashMap<>();
    for (StepEvent e : tracker.events(StepEvent.class)) {
      byStep.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(e);
    }
    return byStep;
  }

  /**
   * Every planned step has exactly a {@code started} event followed by one ending event that passes
   * {@code ending}.
   */
  static void assertEveryStepStartedThenEnded(
      JsonObject request, RequestTracker tracker, Consumer<StepEvent> ending) {
    Map<String, List<StepEvent>> steps = stepsOf(tracker);
    List<String> planned = List.copyOf(PlannedSteps.of(request.toString()).keySet());
    assertTrue(planned.size() >= 5, "planned " + planned);
    assertEquals(
        new java.util.TreeSet<>(planned),
        new java.util.TreeSet<>(steps.keySet()),
        "steps with events");
    steps.forEach(
        (step, events) -> {
          assertEquals(2, events.size(), step + ": " + events);
          assertEquals(StepEvent.Status.STARTED, events.get(0).status(), step);
          ending.accept(events.get(1));
        });
  }

  /** Requests since the last reset that changed something (creates, updates, deletes, actions). */
  static List<RecordedRequest> mutations(LocalEnvironment env) {
    return env.cloud().requestLog().stream().filter(RecordedRequest::isMutation).toList();
  }

  /** {@code jobs:run} calls since the last reset: job executions started. */
  static long jobRuns(LocalEnvironment env) {
    return env.cloud().requestLog().stream()
        .filter(
            r -> r.isMutation() && r.path().endsWith("/jobs/" + LocalEnvironment.JOB_ID + ":run"))
        .count();
  }

  /** The instance's AUTH string, read the way an operator would (Redis API, not an event). */
  static String redisAuth(LocalEnvironment env, JsonObject request) throws Exception {
    JsonObject target = request.getAsJsonObject("target");
    String name =
        "projects/"
            + target.get("project").getAsString()
            + "/locations/"
            + target.get("region").getAsString()
            + "/instances/"
            + request.getAsJsonObject("redis").get("name").getAsString();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(env.cloud().baseUrl() + "/v1/" + name + "/authString"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      fail("authString of " + name + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return JsonParser.parseString(response.body())
        .getAsJsonObject()
        .get("authString")
        .getAsString();
  }
}
