package dev.runwire.emulator.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.TlsCertificate;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.VpcAccess;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.OfficialClients;
import dev.runwire.emulator.core.NetworkLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Workloads the local cloud runs reach a Redis instance only when Google's network would carry the
 * connection: the right network, egress that routes the address, no EGRESS deny, PSA connection.
 * Each scenario runs a real process (a job task or a service revision) that connects through the
 * instance's port.
 */
class ReachabilityContractTest {

  private static final String PROJECT = "demo-project";
  private static final String REGION = "us-central1";
  private static final String PARENT = "projects/" + PROJECT + "/locations/" + REGION;
  private static final String CLIENT = "local/redis-client";
  private static final AtomicInteger NAMES = new AtomicInteger();

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b -> b.profile("instant").imageCommand(CLIENT, javaMain(RedisClientWorkload.class)));

  private static LocalCloud cloud;
  private static CloudRedisClient redis;
  private static JobsClient jobs;
  private static ServicesClient services;
  private static NetworksClient networks;
  private static SubnetworksClient subnetworks;
  private static FirewallsClient firewalls;
  private static VpcAccessServiceClient vpc;

  @BeforeAll
  static void clients() {
    cloud = local.cloud();
    redis = local.open(OfficialClients::redis);
    jobs = local.open(OfficialClients::jobs);
    services = local.open(OfficialClients::services);
    networks = local.open(OfficialClients::networks);
    subnetworks = local.open(OfficialClients::subnetworks);
    firewalls = local.open(OfficialClients::firewalls);
    vpc = local.open(OfficialClients::vpcAccess);
  }

  @Test
  void unwiredServiceIsBlockedEvenWithRedisHostSetByHandThenCountsOnceWired() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    Service unwired =
        services
            .createServiceAsync(
                PARENT, service(cache, VpcAccess.getDefaultInstance()), "visitor-counter")
            .get();

    HttpResponse<String> blocked = get(unwired.getUri() + "/redis");
    assertEquals(503, blocked.statusCode(), blocked.body());
    assertBlocked("no VPC egress");

    Service wired =
        services
            .updateServiceAsync(
                service(cache, directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY))
                    .toBuilder()
                    .setName(unwired.getName())
                    .build())
            .get();
    assertEquals("Visitor number: 1", get(wired.getUri() + "/redis").body());
    assertEquals("Visitor number: 2", get(wired.getUri() + "/redis").body());
    assertTrue(lastDecision().allowed(), lastDecision().describe());
    assertTrue(
        lastDecision().workload().startsWith("service revision "), lastDecision().workload());
  }

  @Test
  void directVpcOnAnotherNetworkIsBlockedBecausePeeringIsNotTransitive() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    networks
        .insertAsync(
            PROJECT, Network.newBuilder().setName("other").setAutoCreateSubnetworks(false).build())
        .get();
    subnetworks
        .insertAsync(
            PROJECT,
            REGION,
            Subnetwork.newBuilder()
                .setName("other-run")
                .setNetwork("projects/" + PROJECT + "/global/networks/other")
                .setIpCidrRange("10.200.0.0/26")
                .build())
        .get();
    VpcAccess other =
        VpcAccess.newBuilder()
            .addNetworkInterfaces(
                VpcAccess.NetworkInterface.newBuilder()
                    .setNetwork("other")
                    .setSubnetwork("other-run"))
            .setEgress(VpcAccess.VpcEgress.ALL_TRAFFIC)
            .build();

    assertFalse(runTask(cache, other));
    assertBlocked(
        "is reachable only from its authorizedNetwork projects/demo-project/global/networks/default (VPC peering is not transitive)");
  }

  @Test
  void connectorOnTheInstancesNetworkIsAllowed() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    vpc.createConnectorAsync(
            PARENT,
            "run-to-redis",
            Connector.newBuilder()
                .setNetwork("default")
                .setIpCidrRange("10.8.0.0/28")
                .setMinInstances(2)
                .setMaxInstances(3)
                .build())
        .get();
    VpcAccess connector =
        VpcAccess.newBuilder()
            .setConnector(PARENT + "/connectors/run-to-redis")
            .setEgress(VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY)
            .build();

    assertTrue(runTask(cache, connector));
    NetworkLog.Decision d = lastDecision();
    assertTrue(d.allowed(), d.describe());
    assertTrue(d.workload().startsWith("job task " + PARENT + "/jobs/"), d.workload());
    assertTrue(d.reason().contains("connector " + PARENT + "/connectors/run-to-redis"), d.reason());
  }

  @Test
  void egressDenyRuleBlocksAndAHigherPriorityAllowForTheWorkloadsTagFixesIt() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    firewalls
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("deny-egress-private")
                .setNetwork("global/networks/default")
                .setDirection("EGRESS")
                .setPriority(1000)
                .addDestinationRanges("10.0.0.0/8")
                .addDenied(Denied.newBuilder().setIPProtocol("tcp"))
                .build())
        .get();
    VpcAccess tagged = directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY);

    assertFalse(runTask(cache, tagged));
    assertBlocked("denied by firewall rule deny-egress-private (priority 1000)");

    firewalls
        .insertAsync(
            PROJECT,
            Firewall.newBuilder()
                .setName("allow-redis-egress")
                .setNetwork("global/networks/default")
                .setDirection("EGRESS")
                .setPriority(900)
                .addDestinationRanges(cache.getReservedIpRange())
                .addTargetTags("runwire-redis-client")
                .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
                .build())
        .get();
    assertTrue(runTask(cache, tagged));
    assertTrue(lastDecision().reason().contains("allowed by firewall rule allow-redis-egress"));
  }

  @Test
  void privateRangesOnlyDoesNotRouteANonRfc1918AddressButAllTrafficDoes() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    // As if the instance had been given a non-RFC 1918 range (RFC 6598, which private services
    // access allocations may use): only ALL_TRAFFIC sends it through the VPC.
    cloud.changeOutOfBand(cache.getName(), "{\"reservedIpRange\":\"100.64.0.0/29\"}");

    assertFalse(runTask(cache, directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY)));
    assertBlocked("PRIVATE_RANGES_ONLY sends only RFC 1918 destinations");
    assertTrue(runTask(cache, directVpc("default", VpcAccess.VpcEgress.ALL_TRAFFIC)));
  }

  @Test
  void privateServiceAccessNeedsTheServiceNetworkingPeering() throws Exception {
    // Set up private services access the way gcloud does (an instance cannot be created without
    // it), then lose the peering out of band: the connection must fail until it is back.
    post(
        "/compute/v1/projects/" + PROJECT + "/global/addresses",
        "{\"name\":\"google-managed\",\"purpose\":\"VPC_PEERING\",\"addressType\":\"INTERNAL\","
            + "\"prefixLength\":16,\"network\":\"projects/"
            + PROJECT
            + "/global/networks/default\"}");
    post(
        "/v1/services/servicenetworking.googleapis.com/connections",
        "{\"network\":\"projects/"
            + dev.runwire.emulator.core.Projects.number(PROJECT)
            + "/global/networks/default\",\"reservedPeeringRanges\":[\"google-managed\"]}");
    Instance cache =
        instance(
            "psa",
            Instance.newBuilder()
                .setConnectMode(Instance.ConnectMode.PRIVATE_SERVICE_ACCESS)
                .setReservedIpRange("google-managed"));
    VpcAccess wired = directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY);
    String network = "projects/" + PROJECT + "/global/networks/default";
    String peering =
        "{\"name\":\"servicenetworking-googleapis-com\",\"network\":"
            + "\"https://www.googleapis.com/compute/v1/projects/sn-tp/global/networks/servicenetworking\","
            + "\"state\":\"ACTIVE\"}";

    assertTrue(runTask(cache, wired));

    cloud.changeOutOfBand(network, "{\"peerings\":[]}");
    assertFalse(runTask(cache, wired));
    assertBlocked(
        "has no private services access connection (peering servicenetworking-googleapis-com)");

    cloud.changeOutOfBand(network, "{\"peerings\":[" + peering + "]}");
    assertTrue(runTask(cache, wired));
  }

  @Test
  void withAuthTheClientMustSendTheRightAuthString() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder().setAuthEnabled(true));
    String auth = redis.getInstanceAuthString(cache.getName()).getAuthString();
    VpcAccess wired = directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY);

    assertFalse(runTask(cache, wired, "REDIS_AUTH", "wrong-" + auth));
    assertTrue(lastDecision().allowed(), "the network carried it; redis refused the AUTH");
    assertTrue(runTask(cache, wired, "REDIS_AUTH", auth));
  }

  @Test
  void tlsInstanceServesItsCaAndAnswersOnlyTlsClientsThatTrustIt() throws Exception {
    Instance cache =
        instance(
            "secure",
            Instance.newBuilder()
                .setAuthEnabled(true)
                .setTransitEncryptionMode(Instance.TransitEncryptionMode.SERVER_AUTHENTICATION));
    String auth = redis.getInstanceAuthString(cache.getName()).getAuthString();

    assertEquals(
        Instance.TransitEncryptionMode.SERVER_AUTHENTICATION, cache.getTransitEncryptionMode());
    assertEquals(1, cache.getServerCaCertsCount());
    TlsCertificate ca = cache.getServerCaCerts(0);
    assertTrue(ca.getCert().startsWith("-----BEGIN CERTIFICATE-----"), ca.getCert());
    assertFalse(ca.getSerialNumber().isEmpty());
    assertEquals(40, ca.getSha1Fingerprint().length(), ca.getSha1Fingerprint());
    assertTrue(ca.getExpireTime().getSeconds() > ca.getCreateTime().getSeconds());
    VpcAccess wired = directVpc("default", VpcAccess.VpcEgress.PRIVATE_RANGES_ONLY);

    assertTrue(runTask(cache, wired, "REDIS_AUTH", auth, "REDIS_CA", ca.getCert()));
    assertFalse(runTask(cache, wired, "REDIS_AUTH", auth), "a plain client is not answered");
    assertTrue(lastDecision().allowed(), "the network carried it; the server wanted TLS");
  }

  @Test
  void aProcessTheLocalCloudDidNotStartIsOnTheNetwork() throws Exception {
    Instance cache = instance("cache", Instance.newBuilder());
    try (Jedis jedis = new Jedis(cache.getHost(), cache.getPort())) {
      assertEquals(1, jedis.incr("visits"));
    }
    NetworkLog.Decision d = lastDecision();
    assertTrue(d.allowed());
    assertTrue(d.reason().contains("not a Cloud Run workload of the local cloud"), d.reason());
  }

  // --- helpers ---

  static List<String> javaMain(Class<?> main) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        main.getName());
  }

  private static Instance instance(String id, Instance.Builder b) throws Exception {
    return redis
        .createInstanceAsync(PARENT, id, b.setTier(Instance.Tier.BASIC).setMemorySizeGb(1).build())
        .get();
  }

  private static VpcAccess directVpc(String network, VpcAccess.VpcEgress egress) {
    return VpcAccess.newBuilder()
        .addNetworkInterfaces(
            VpcAccess.NetworkInterface.newBuilder()
                .setNetwork(network)
                .setSubnetwork(network)
                .addTags("runwire-redis-client"))
        .setEgress(egress)
        .build();
  }

  private static Container.Builder container(Instance cache, String... env) {
    Container.Builder c =
        Container.newBuilder()
            .setImage(CLIENT)
            .addEnv(EnvVar.newBuilder().setName("REDIS_HOST").setValue(cache.getHost()))
            .addEnv(
                EnvVar.newBuilder()
                    .setName("REDIS_PORT")
                    .setValue(Integer.toString(cache.getPort())));
    for (int i = 0; i < env.length; i += 2) {
      c.addEnv(EnvVar.newBuilder().setName(env[i]).setValue(env[i + 1]));
    }
    return c;
  }

  private static Service service(Instance cache, VpcAccess access) {
    RevisionTemplate.Builder t = RevisionTemplate.newBuilder().addContainers(container(cache));
    if (!access.equals(VpcAccess.getDefaultInstance())) {
      t.setVpcAccess(access);
    }
    return Service.newBuilder().setTemplate(t).build();
  }

  /** Runs one job task with {@code access}; true when it counted. */
  private static boolean runTask(Instance cache, VpcAccess access, String... env) throws Exception {
    String id = "client-" + NAMES.incrementAndGet();
    Job job =
        jobs.createJobAsync(
                PARENT,
                Job.newBuilder()
                    .setTemplate(
                        ExecutionTemplate.newBuilder()
                            .setTaskCount(1)
                            .setTemplate(
                                TaskTemplate.newBuilder()
                                    .setMaxRetries(0)
                                    .setVpcAccess(access)
                                    .addContainers(container(cache, env))))
                    .build(),
                id)
            .get();
    try {
      Execution done = jobs.runJobAsync(job.getName()).get();
      return done.getSucceededCount() == 1;
    } catch (ExecutionException e) {
      // The run operation fails when its task failed (exit code 1: Redis not reachable).
      return false;
    }
  }

  private static NetworkLog.Decision lastDecision() {
    List<NetworkLog.Decision> all = cloud.networkLog();
    assertFalse(all.isEmpty(), "no connection was decided");
    return all.get(all.size() - 1);
  }

  private static void assertBlocked(String reason) {
    NetworkLog.Decision d = lastDecision();
    assertFalse(d.allowed(), d.describe());
    assertTrue(d.reason().contains(reason), d.reason());
  }

  private static String post(String path, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(cloud.baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
