package dev.runwire.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.JobName;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.LocalCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shaded function in the real Functions Framework invoker (its own JVM), driven over HTTP
 * exactly as Eventarc drives it, launching the job in the local cloud (whose executions run as
 * local processes) and publishing its events to Google's Pub/Sub emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvisioningRequestFunctionIT {

  private static final String PROJECT = LocalJobs.PROJECT;
  private static final String EVENTS_TOPIC = "projects/" + PROJECT + "/topics/runwire-events";
  private static final String EVENTS_SUB = "projects/" + PROJECT + "/subscriptions/it-events";
  private static final int MAX_MESSAGE_BYTES = 8192;
  private static final String JOB_IMAGE = "local/noop-job";

  private LocalCloud cloud;
  private LocalJobs localJobs;
  private JobName job;
  private PubSubEmulator pubsub;
  private InvokerProcess invoker;
  private EventarcPush push;
  private String firstExecution;

  @BeforeAll
  void start() throws Exception {
    Path target = Path.of("target");
    // Executions outlive the test's requests, so a duplicate finds the first one still running.
    cloud = LocalCloud.builder().imageCommand(JOB_IMAGE, List.of("bash", "-c", "sleep 60")).start();
    localJobs = new LocalJobs(cloud.baseUrl());
    job = localJobs.createJob("runwire-job", JOB_IMAGE);
    pubsub = PubSubEmulator.start(target.resolve("it-pubsub-emulator.log"));
    pubsub.createTopic(EVENTS_TOPIC);
    pubsub.createSubscription(EVENTS_SUB, EVENTS_TOPIC);
    Map<String, String> env = new LinkedHashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_JOB", job.toString());
    env.put("PUBSUB_EMULATOR_HOST", pubsub.hostPort());
    env.put("RUNWIRE_EVENTS_TOPIC", EVENTS_TOPIC);
    env.put("RUNWIRE_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE_BYTES));
    env.put("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // Requests.apply deploys local/...
    invoker =
        InvokerProcess.start(
            Path.of(System.getProperty("runwire.function.jar", "target/runwire-function.jar")),
            env,
            target.resolve("it-invoker.log"));
    push = new EventarcPush(invoker.port());
  }

  @AfterAll
  void stop() {
    if (invoker != null) {
      invoker.close();
    }
    if (pubsub != null) {
      pubsub.close();
    }
    if (localJobs != null) {
      localJobs.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  @Order(1)
  void validRequestRunsTheJobOnceAndIsAccepted() throws Exception {
    int status = push.postMessage("1001", Requests.apply("it-apply-1"));

    assertEquals(200, status);
    JsonObject accepted = singleEvent("dev.runwire.request.accepted.v1");
    assertEquals("it-apply-1", accepted.get("requestId").getAsString());
    assertEquals("1001", accepted.get("messageId").getAsString());
    assertFalse(accepted.get("duplicate").getAsBoolean());
    List<Execution> executions = localJobs.executions(job);
    assertEquals(1, executions.size());
    firstExecution = executions.get(0).getName();
    assertEquals(firstExecution, accepted.get("execution").getAsString());
    assertEquals("it-apply-1", LocalJobs.env(executions.get(0), "RUNWIRE_REQUEST_ID"));
    String log = invoker.output();
    assertTrue(log.contains("\"severity\":\"INFO\""), log);
    assertFalse(log.contains("visitor-counter-redis"), "the request body leaked into the log");
  }

  @Test
  @Order(2)
  void samePublishedAgainIsADuplicateOfTheRunningExecution() throws Exception {
    int status = push.postMessage("1002", Requests.apply("it-apply-1"));

    assertEquals(200, status);
    JsonObject accepted = singleEvent("dev.runwire.request.accepted.v1");
    assertTrue(accepted.get("duplicate").getAsBoolean());
    assertEquals(firstExecution, accepted.get("execution").getAsString());
    assertEquals("1002", accepted.get("messageId").getAsString());
    assertEquals(1, localJobs.executions(job).size());
  }

  @Test
  @Order(3)
  void unavailableRunApiAnswers500AndTheRedeliveryRuns() throws Exception {
    // Every try of the duplicate check's read fails (reads are retried in place first).
    cloud.faults().failNext("run", CloudRunJobLauncher.READ_ATTEMPTS);

    int failed = push.postMessage("1003", Requests.apply("it-apply-3"));
    assertEquals(500, failed);
    assertTrue(pubsub.await(EVENTS_SUB, 1, Duration.ofMillis(500)).isEmpty());
    assertEquals(1, localJobs.executions(job).size());

    int redelivered = push.postMessage("1003", Requests.apply("it-apply-3"));
    assertEquals(200, redelivered);
    assertFalse(singleEvent("dev.runwire.request.accepted.v1").get("duplicate").getAsBoolean());
    assertEquals(2, localJobs.executions(job).size());
  }

  /** A payload Eventarc could deliver, and what must come of it. */
  record BadPayload(
      String name, Map<String, String> headers, byte[] body, int status, String problemFragment) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadPayload> badPayloads() {
    List<BadPayload> cases = new ArrayList<>();
    cases.add(
        message(
            "data is not base64",
            "2001",
            envelopeWithData("2001", "{\"requestId\":\"r\"}"),
            "not valid base64"));
    cases.add(message("data is not JSON", "2002", data("2002", "mode=apply"), "not valid JSON"));
    cases.add(
        message(
            "request violates the schema",
            "2003",
            data("2003", Requests.withThreeProblems("it-bad-3")),
            "is not allowed; use one of: apply"));
    cases.add(
        message(
            "request is too large",
            "2004",
            data("2004", "{\"pad\":\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\"}"),
            "RUNWIRE_MAX_MESSAGE_BYTES"));
    cases.add(
        message(
            "message has no data",
            "2005",
            "{\"message\":{\"messageId\":\"2005\",\"attributes\":{\"k\":\"v\"}},\"subscription\":\"s\"}",
            "has no data"));
    Map<String, String> storage = EventarcPush.messagePublishedHeaders("2006");
    storage.put("ce-type", "google.cloud.storage.object.v1.finalized");
    cases.add(
        new BadPayload(
            "wrong event type",
            storage,
            utf8(data("2006", Requests.apply("it-ok-6"))),
            200,
            "google.cloud.pubsub.topic.v1.messagePublished"));
    cases.add(
        new BadPayload(
            "empty body",
            EventarcPush.messagePublishedHeaders("2007"),
            new byte[0],
            200,
            "has no data"));
    Map<String, String> text = EventarcPush.messagePublishedHeaders("2008");
    text.put("Content-Type", "text/plain");
    cases.add(
        new BadPayload(
            "wrong content type",
            text,
            utf8(data("2008", Requests.apply("it-ok-8"))),
            200,
            "datacontenttype is 'text/plain'"));
    byte[] latin1 = Requests.apply("it-é-9").getBytes(StandardCharsets.ISO_8859_1);
    cases.add(
        message(
            "request is not UTF-8",
            "2009",
            envelopeWithData("2009", Base64.getEncoder().encodeToString(latin1)),
            "UTF-8"));
    cases.add(
        message(
            "request nests too deeply",
            "2010",
            data("2010", "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}"),
            "nest"));
    cases.add(
        new BadPayload(
            "envelope is not JSON",
            EventarcPush.messagePublishedHeaders("2011"),
            utf8("message=" + Requests.apply("it-ok-11")),
            200,
            "not a JSON object"));
    cases.add(
        message(
            "request is a JSON array",
            "2012",
            data("2012", "[" + Requests.apply("it-ok-12") + "]"),
            "object"));
    cases.add(
        message(
            "request repeats a key",
            "2013",
            data(
                "2013",
                Requests.apply("it-bad-13")
                    .replace("\"mode\": \"apply\"", "\"mode\": \"apply\", \"mode\": \"destroy\"")),
            "mode"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPayloads")
  @Order(10)
  void badPayloadIsAcknowledgedWithOneRejectedEventAndRunsNothing(BadPayload payload)
      throws Exception {
    int executionsBefore = localJobs.executions(job).size();

    int status = push.post(payload.headers(), payload.body());

    assertEquals(payload.status(), status, () -> "HTTP status for " + payload.name());
    List<PubSubEmulator.Received> events = pubsub.await(EVENTS_SUB, 1, Duration.ofSeconds(15));
    assertEquals(1, events.size(), () -> "events for " + payload.name() + ": " + events);
    PubSubEmulator.Received event = events.get(0);
    assertEquals("dev.runwire.request.rejected.v1", event.attributes().get("ce-type"));
    JsonObject data = JsonParser.parseString(event.data()).getAsJsonObject();
    assertEquals(payload.headers().get("ce-id"), data.get("messageId").getAsString());
    String problems = data.getAsJsonArray("problems").toString();
    assertTrue(
        problems.contains(payload.problemFragment()),
        () -> payload.name() + ": " + problems + " should mention " + payload.problemFragment());
    assertTrue(pubsub.pullNow(EVENTS_SUB).isEmpty(), "more than one event for " + payload.name());
    assertEquals(executionsBefore, localJobs.executions(job).size());
  }

  @Test
  @Order(20)
  void pushWithoutCloudEventHeadersNeverReachesTheFunction() throws Exception {
    // A raw Pub/Sub push body: the invoker cannot make a CloudEvent of it and answers 500.
    int status =
        push.post(
            Map.of("Content-Type", "application/json"),
            utf8(PubSubDeliveries.envelope("2100", Requests.apply("it-raw-1"))));
    int sentinel = push.postMessage("2101", "not json");

    assertEquals(500, status);
    assertEquals(200, sentinel);
    List<PubSubEmulator.Received> events = pubsub.await(EVENTS_SUB, 2, Duration.ofSeconds(2));
    assertEquals(1, events.size(), events::toString);
    assertTrue(events.get(0).data().contains("\"messageId\":\"2101\""), events.get(0).data());
  }

  @Test
  @Order(30)
  void jobThatNoLongerExistsIsAcknowledgedWithLaunchFailedAndTheFix() throws Exception {
    localJobs.deleteJob(job);

    int status = push.postMessage("1030", Requests.apply("it-apply-30"));

    assertEquals(200, status);
    JsonObject failed = singleEvent("dev.runwire.request.launch-failed.v1");
    assertEquals("NOT_FOUND", failed.get("code").getAsString());
    assertFalse(failed.get("retryable").getAsBoolean());
    assertTrue(failed.get("fix").getAsString().startsWith("deploy the job first"));
  }

  private JsonObject singleEvent(String ceType) {
    List<PubSubEmulator.Received> events = pubsub.await(EVENTS_SUB, 1, Duration.ofSeconds(15));
    assertEquals(1, events.size(), events::toString);
    assertTrue(pubsub.pullNow(EVENTS_SUB).isEmpty(), "more than one event");
    assertEquals(ceType, events.get(0).attributes().get("ce-type"));
    return JsonParser.parseString(events.get(0).data()).getAsJsonObject();
  }

  private static BadPayload message(
      String name, String messageId, String envelope, String problem) {
    return new BadPayload(
        name, EventarcPush.messagePublishedHeaders(messageId), utf8(envelope), 200, problem);
  }

  private static String data(String messageId, String requestText) {
    return PubSubDeliveries.envelope(messageId, requestText);
  }

  private static String envelopeWithData(String messageId, String base64) {
    return PubSubDeliveries.envelopeWithData(messageId, base64);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
