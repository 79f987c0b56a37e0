package dev.runwire.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runwire.schemas.ProvisioningRequest.ConnectMode;
import dev.runwire.schemas.ProvisioningRequest.Connector;
import dev.runwire.schemas.ProvisioningRequest.Egress;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.ProvisioningRequest.EnvNames;
import dev.runwire.schemas.ProvisioningRequest.Ingress;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.ProvisioningRequest.Redis;
import dev.runwire.schemas.ProvisioningRequest.RedisTier;
import dev.runwire.schemas.ProvisioningRequest.Route;
import dev.runwire.schemas.ProvisioningRequest.Scope;
import dev.runwire.schemas.ProvisioningRequest.Service;
import dev.runwire.schemas.ProvisioningRequest.StaticEgressIp;
import dev.runwire.schemas.ProvisioningRequest.Subnet;
import dev.runwire.schemas.ProvisioningRequest.Target;
import dev.runwire.schemas.ProvisioningRequest.TransitEncryption;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.RunwireEvent;
import dev.runwire.schemas.events.StepEvent;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import dev.runwire.schemas.events.StepEvent.TargetRef;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidationResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message type: record → JSON → record is the identity, and the JSON the codec writes is
 * valid against the message's schema (requests also pass the full validator).
 */
class RoundTripTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.125Z");
  private static final Instant T1 = Instant.parse("2026-11-22T10:04:12Z");

  static Stream<ProvisioningRequest> requests() {
    Target target = new Target("runwire-demo", "us-central1", null);
    Service service =
        new Service("visitor-counter", "local/visitor-counter", Ingress.ALL, true, null);
    Redis redis = new Redis("visitor-counter-redis", null, null, null, null, true, null, null);
    Egress directVpc =
        new Egress(
            EgressMode.DIRECT_VPC,
            new Subnet("runwire-egress", "10.8.0.0/26"),
            null,
            Route.ALL_TRAFFIC,
            null);
    Egress connector =
        new Egress(
            EgressMode.CONNECTOR,
            null,
            new Connector(
                "vc-conn",
                null,
                new Subnet("vc-conn-subnet", "10.8.1.0/28"),
                2,
                4,
                "e2-standard-4"),
            Route.ALL_TRAFFIC,
            "vc-to-redis");
    Egress rangeConnector =
        new Egress(
            EgressMode.CONNECTOR,
            null,
            new Connector("vc-conn", "10.8.1.16/28", null, null, null, null),
            null,
            null);
    Redis fullRedis =
        new Redis(
            "orders-cache",
            RedisTier.STANDARD_HA,
            16,
            "REDIS_7_0",
            ConnectMode.DIRECT_PEERING,
            true,
            TransitEncryption.SERVER_AUTHENTICATION,
            "10.9.0.0/28");
    Service fullService =
        new Service(
            "orders-api",
            null,
            Ingress.INTERNAL_AND_CLOUD_LOAD_BALANCING,
            false,
            new EnvNames("CACHE_HOST", "CACHE_PORT", "CACHE_AUTH"));
    return Stream.of(
        new ProvisioningRequest(
            null,
            "rt-1",
            null,
            target,
            service,
            redis,
            directVpc,
            new StaticEgressIp(true, null, null, null),
            null,
            null),
        new ProvisioningRequest(
            null,
            "rt-2",
            Mode.PLAN,
            new Target("acme-shop-prod", "europe-west4", "shop-vpc"),
            fullService,
            fullRedis,
            connector,
            new StaticEgressIp(true, "orders-ip", "orders-router", "orders-nat"),
            false,
            null),
        new ProvisioningRequest(
            null, "rt-3", Mode.DESTROY, target, service, redis, rangeConnector, null, true, null),
        new ProvisioningRequest(
            null,
            "rt-4",
            Mode.DRIFT_CHECK,
            null,
            null,
            null,
            null,
            null,
            null,
            new Scope("runwire-demo", List.of("us-central1", "europe-west4"))));
  }

  static Stream<RunwireEvent> events() {
    return Stream.of(
        new StepEvent(
            null,
            "rt-1",
            "runwire-job-x7k2p",
            "redis-instance",
            "//redis.googleapis.com/projects/runwire-demo/locations/us-central1/instances/visitor-counter-redis",
            new TargetRef("runwire-demo", "us-central1", "visitor-counter"),
            StepEvent.Action.CREATE,
            StepEvent.Status.SUCCEEDED,
            1,
            T0,
            T1,
            251_875L,
            null,
            Map.of("redisHost", "10.9.0.3", "redisPort", "6379"),
            "created",
            null),
        new StepEvent(
            null,
            "rt-1",
            null,
            "cloud-run-service",
            null,
            null,
            StepEvent.Action.NONE,
            StepEvent.Status.STARTED,
            1,
            T0,
            null,
            null,
            null,
            null,
            null,
            null),
        new StepEvent(
            null,
            "rt-4",
            "e-1",
            "cloud-run-service",
            "//run.googleapis.com/x",
            null,
            StepEvent.Action.UPDATE,
            StepEvent.Status.DRIFTED,
            2,
            T0,
            T1,
            5L,
            List.of(
                new FieldDiff("template.vpcAccess.egress", "PRIVATE_RANGES_ONLY", "ALL_TRAFFIC"),
                new FieldDiff(
                    "template.vpcAccess.connector", null, "projects/p/locations/r/connectors/c")),
            Map.of(),
            "egress differs",
            null),
        new StepEvent(
            null,
            "rt-2",
            "e-2",
            "cloud-nat",
            null,
            null,
            StepEvent.Action.UPDATE,
            StepEvent.Status.FAILED,
            3,
            T0,
            T1,
            4000L,
            null,
            null,
            null,
            new EventError("NatClashesWithAllSubnetworksNat", "remove the other NAT")),
        new RunEvent(
            null,
            "rt-1",
            "runwire-job-x7k2p",
            "apply",
            RunEvent.Outcome.SUCCEEDED,
            T0,
            T1,
            251_875L,
            new RunEvent.Counts(9, 8, 0, 0, 1, 0, 0, 0),
            Map.of("egressIp", "34.118.20.7"),
            0,
            1,
            1,
            0,
            null),
        new RunEvent(
            null,
            "rt-4",
            "e-9",
            "drift-check",
            RunEvent.Outcome.FAILED,
            T0,
            T1,
            10L,
            new RunEvent.Counts(3, 0, 0, 0, 1, 1, 1, 0),
            null,
            2,
            4,
            25,
            1,
            new EventError("StepTimeout", "redis-instance did not finish in PT30M")),
        new RejectedEvent(
            null,
            "rt-9",
            "1193792454",
            T0,
            List.of(
                new Problem("/egress/connector/range", "10.8.0.0/24 must be a /28"),
                new Problem("", "the request is empty"))),
        new RejectedEvent(
            null,
            null,
            "1193792455",
            T0,
            List.of(new Problem("", "the request is not valid JSON"))),
        new AcceptedEvent(
            null,
            "rt-1",
            "1193792456",
            "apply",
            "projects/p/locations/r/jobs/runwire-job/executions/e-1",
            1,
            false,
            T0),
        new AcceptedEvent(
            null,
            "rt-4",
            "1193792457",
            "drift-check",
            "projects/p/locations/r/jobs/runwire-job/executions/e-2",
            4,
            true,
            T0),
        new LaunchFailedEvent(
            null,
            "rt-1",
            "1193792458",
            "PERMISSION_DENIED",
            "cannot run the job",
            "grant roles/run.jobsExecutorWithOverrides",
            false,
            T0),
        new LaunchFailedEvent(
            null,
            "rt-1",
            null,
            "UNAVAILABLE",
            "Cloud Run did not answer",
            "nothing: the message is redelivered",
            true,
            T1));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void requestSurvivesJsonAndPassesTheValidator(ProvisioningRequest request) {
    String json = MessageCodec.toJson(request);

    assertEquals(request, MessageCodec.fromJson(json, ProvisioningRequest.class));
    assertEquals(
        List.of(),
        MessageSchemas.standard().check(MessageSchemas.PROVISIONING_REQUEST, json),
        json);
    ValidationResult result = RequestValidator.standard().validate(json);
    assertEquals(List.of(), result.problems(), json);
    assertEquals(request, result.request());
  }

  @ParameterizedTest
  @MethodSource("events")
  void eventSurvivesJsonAndMatchesItsSchema(RunwireEvent event) {
    String json = MessageCodec.toJson(event);

    assertEquals(event, MessageCodec.fromJson(json, event.getClass()));
    assertEquals(List.of(), MessageSchemas.standard().check(event.schemaName(), json), json);
  }
}
