package dev.runwire.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.VpcAccess;
import com.google.gson.JsonObject;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Apply through every real local part (Pub/Sub emulator, Eventarc bridge, function in the invoker,
 * job in a child JVM, local cloud with real redis-server) for each egress mode with a static egress
 * IP; then the same request again changes nothing.
 */
@ExtendWith(SharedEnvironment.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressModesEndToEndTest {

  static final JsonObject DIRECT_VPC = Scenario.directVpc("e2e-direct", "10.10.0.0/26");
  static final JsonObject CONNECTOR = Scenario.connector("e2e-conn", "10.10.1.0/28");

  @Test
  @Order(1)
  void directVpcWithStaticEgressIpWiresTheServiceToRedis(LocalEnvironment env) throws Exception {
    Service service = applyAndCheck(env, DIRECT_VPC);

    VpcAccess vpc = service.getTemplate().getVpcAccess();
    assertEquals(VpcAccess.VpcEgress.ALL_TRAFFIC, vpc.getEgress());
    assertEquals("", vpc.getConnector());
    assertEquals(1, vpc.getNetworkInterfacesCount(), vpc.toString());
    assertTrue(
        vpc.getNetworkInterfaces(0).getSubnetwork().endsWith("e2e-direct-egress"), vpc.toString());
    assertTrue(vpc.getNetworkInterfaces(0).getNetwork().endsWith("default"), vpc.toString());
  }

  @Test
  @Order(2)
  void connectorWithStaticEgressIpWiresTheServiceToRedis(LocalEnvironment env) throws Exception {
    Service service = applyAndCheck(env, CONNECTOR);

    VpcAccess vpc = service.getTemplate().getVpcAccess();
    assertEquals(VpcAccess.VpcEgress.ALL_TRAFFIC, vpc.getEgress());
    String connector =
        CONNECTOR.getAsJsonObject("egress").getAsJsonObject("connector").get("name").getAsString();
    assertEquals(
        "projects/runwire-demo/locations/us-central1/connectors/" + connector, vpc.getConnector());
    assertEquals(0, vpc.getNetworkInterfacesCount());
  }

  @Test
  @Order(3)
  void sameRequestAgainIsNoneEverywhereWithZeroMutatingCalls(LocalEnvironment env)
      throws Exception {
    JsonObject again = Scenario.withFreshId(DIRECT_VPC);
    env.cloud().resetLog();

    RequestTracker tracker = Scenario.run(env, again);

    assertEquals(RunEvent.Outcome.SUCCEEDED, Scenario.runEvent(tracker).status());
    Scenario.assertEveryStepStartedThenEnded(
        again,
        tracker,
        end -> {
          assertEquals(StepEvent.Status.SUCCEEDED, end.status(), end.step());
          assertEquals(StepEvent.Action.NONE, end.action(), end.step());
        });
    // The only mutations are the function's jobs:run that started this execution and verify's
    // run of the probe job (an execution that proves the path; it changes nothing).
    assertEquals(1, Scenario.jobRuns(env));
    assertEquals(
        List.of(
            "/jobs/runwire-job:run",
            "/jobs/runwire-probe-"
                + again.getAsJsonObject("service").get("name").getAsString()
                + ":run"),
        Scenario.mutations(env).stream()
            .map(r -> r.path().substring(r.path().lastIndexOf("/jobs/")))
            .toList(),
        "mutating calls: "
            + Scenario.mutations(env).stream()
                .map(r -> r.method() + " " + r.path())
                .collect(Collectors.joining(", ")));
  }

  @Test
  @Order(4)
  void aServiceGivenRedisByHandIsBlockedUntilRunwireWiresItOverTls(LocalEnvironment env)
      throws Exception {
    // The address and AUTH string of e2e-direct's Redis, set by hand on a service with no VPC
    // access: only the network can refuse it, so a 503 here is the path, not the env.
    Map<String, String> wired =
        env
            .service("runwire-demo", "us-central1", Scenario.service(DIRECT_VPC))
            .getTemplate()
            .getContainers(0)
            .getEnvList()
            .stream()
            .filter(e -> !e.getValue().isEmpty())
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    Service byHand =
        env.deployService(
            "runwire-demo",
            "us-central1",
            "e2e-by-hand",
            LocalEnvironment.SAMPLE_IMAGE,
            Map.of(
                "REDIS_HOST", wired.get("REDIS_HOST"),
                "REDIS_PORT", wired.get("REDIS_PORT"),
                "REDIS_AUTH", Scenario.redisAuth(env, DIRECT_VPC)));
    ServiceProbe.Answer blocked =
        new ServiceProbe(Duration.ofSeconds(20)).get(URI.create(byHand.getUri() + "/redis"));
    assertEquals(503, blocked.status(), blocked.toString());
    assertTrue(
        env.cloud().networkLog().stream()
            .anyMatch(d -> !d.allowed() && d.workload().contains("/services/e2e-by-hand/")),
        "the local cloud's network log names no blocked connection of e2e-by-hand: "
            + env.cloud().networkLog());

    // Wired by runwire with in-transit encryption: the sample reaches Redis over TLS on the CA
    // runwire mounts (REDIS_CA_CERT), and verify proved the same path first.
    JsonObject tls = Scenario.directVpc("e2e-tls", "10.10.40.0/26");
    tls.getAsJsonObject("redis").addProperty("transitEncryption", "SERVER_AUTHENTICATION");
    env.deployService("runwire-demo", "us-central1", "e2e-tls", LocalEnvironment.SAMPLE_IMAGE);

    RunEvent run = Scenario.runEvent(Scenario.run(env, tls));

    assertEquals(RunEvent.Outcome.SUCCEEDED, run.status(), run.toString());
    Service service = env.service("runwire-demo", "us-central1", "e2e-tls");
    assertTrue(
        service.getTemplate().getContainers(0).getEnvList().stream()
            .anyMatch(e -> e.getName().equals("REDIS_CA_CERT") && e.hasValueSource()),
        service.getTemplate().toString());
    ServiceProbe.Answer answer =
        new ServiceProbe(Duration.ofSeconds(20)).get(URI.create(service.getUri() + "/redis"));
    assertEquals("Visitor number: 1", answer.body(), answer.toString());
  }

  /** Applies, checks the events, Redis and the service's env; returns the service. */
  private static Service applyAndCheck(LocalEnvironment env, JsonObject request) throws Exception {
    String name = Scenario.service(request);
    env.deployService("runwire-demo", "us-central1", name, LocalEnvironment.SAMPLE_IMAGE);

    RequestTracker tracker = Scenario.run(env, request);

    RunEvent run = Scenario.runEvent(tracker);
    assertEquals(RunEvent.Outcome.SUCCEEDED, run.status(), run.toString());
    Scenario.assertEveryStepStartedThenEnded(
        request,
        tracker,
        end -> assertEquals(StepEvent.Status.SUCCEEDED, end.status(), end.step() + ": " + end));

    Map<String, String> outputs = run.outputs();
    String host = outputs.get("redisHost");
    int port = Integer.parseInt(outputs.get("redisPort"));
    assertNotNull(outputs.get("egressIp"), outputs.toString());
    try (Jedis jedis = new Jedis(host, port)) {
      jedis.auth(Scenario.redisAuth(env, request));
      assertEquals("PONG", jedis.ping());
    }

    Service service = env.service("runwire-demo", "us-central1", name);
    Map<String, EnvVar> envVars =
        service.getTemplate().getContainers(0).getEnvList().stream()
            .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertEquals(host, envVars.get("REDIS_HOST").getValue());
    assertEquals(String.valueOf(port), envVars.get("REDIS_PORT").getValue());
    assertTrue(
        envVars
            .get("REDIS_AUTH")
            .getValueSource()
            .getSecretKeyRef()
            .getSecret()
            .contains(name + "-redis-auth"),
        envVars.get("REDIS_AUTH").toString());

    // The app itself reaches Redis through the wiring.
    ServiceProbe.Answer answer =
        new ServiceProbe(Duration.ofSeconds(20)).get(URI.create(service.getUri() + "/redis"));
    assertTrue(answer.body().matches("Visitor number: \\d+"), answer.toString());
    // ...and that Redis is the one bundled with the local cloud, not a system package (demo/pom.xml
    // hides redis-server on PATH from these tests).
    assertTrue(env.cloud().redisServer().endsWith(", bundled)"), env.cloud().redisServer());
    return service;
  }
}
