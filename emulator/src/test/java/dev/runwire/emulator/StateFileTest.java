package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.AddressesClient;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.Router;
import com.google.cloud.compute.v1.RouterNat;
import com.google.cloud.compute.v1.RoutersClient;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.redis.v1.CloudRedisClient;
import com.google.cloud.redis.v1.Instance;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.VpcAccess;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.VpcAccessServiceClient;
import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
import com.google.iam.v1.Policy;
import com.google.protobuf.ByteString;
import dev.runwire.emulator.core.StateFile;
import dev.runwire.emulator.fixtures.EnvEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A cloud started with a state file it saved before is the same world: every resource with the same
 * fields, secrets and IAM included, mapped services and Redis instances serving again.
 */
class StateFileTest {

  private static final String P = "kept-project";
  private static final String REGION = "us-central1";
  private static final String PARENT = "projects/" + P + "/locations/" + REGION;
  private static final String APP = "local/env-echo";

  @TempDir Path dir;

  private LocalCloud start(Path stateFile) {
    return LocalCloud.builder()
        .profile("instant")
        .imageCommand(APP, TestCommands.javaMain(EnvEchoServer.class))
        .stateFile(stateFile)
        .start();
  }

  /** Everything the first run created, as the clients read it. */
  private record World(
      List<Network> networks,
      List<Subnetwork> subnetworks,
      List<Router> routers,
      List<Address> addresses,
      List<Firewall> firewalls,
      List<Connector> connectors,
      Secret secret,
      ByteString payload,
      Instance redis,
      String redisAuth,
      Service service,
      Policy servicePolicy,
      Job job) {}

  private static <C extends AutoCloseable, T> T with(
      LocalCloud cloud, Function<LocalCloud, C> client, ThrowingFunction<C, T> read)
      throws Exception {
    try (C c = client.apply(cloud)) {
      return read.apply(c);
    }
  }

  private interface ThrowingFunction<A, B> {
    B apply(A a) throws Exception;
  }

  private World read(LocalCloud cloud, boolean withRedis) throws Exception {
    return new World(
        with(cloud, OfficialClients::networks, c -> list(c.list(P).iterateAll())),
        with(cloud, OfficialClients::subnetworks, c -> list(c.list(P, REGION).iterateAll())),
        with(cloud, OfficialClients::routers, c -> list(c.list(P, REGION).iterateAll())),
        with(cloud, OfficialClients::addresses, c -> list(c.list(P, REGION).iterateAll())),
        with(cloud, OfficialClients::firewalls, c -> list(c.list(P).iterateAll())),
        with(cloud, OfficialClients::vpcAccess, c -> list(c.listConnectors(PARENT).iterateAll())),
        with(cloud, OfficialClients::secrets, c -> c.getSecret("projects/" + P + "/secrets/auth")),
        with(
            cloud,
            OfficialClients::secrets,
            c ->
                c.accessSecretVersion("projects/" + P + "/secrets/auth/versions/latest")
                    .getPayload()
                    .getData()),
        withRedis
            ? with(cloud, OfficialClients::redis, c -> c.getInstance(PARENT + "/instances/cache"))
            : null,
        withRedis
            ? with(
                cloud,
                OfficialClients::redis,
                c -> c.getInstanceAuthString(PARENT + "/instances/cache").getAuthString())
            : null,
        with(cloud, OfficialClients::services, c -> c.getService(PARENT + "/services/app")),
        with(
            cloud,
            OfficialClients::services,
            c ->
                c.getIamPolicy(
                    GetIamPolicyRequest.newBuilder()
                        .setResource(PARENT + "/services/app")
                        .build())),
        with(cloud, OfficialClients::jobs, c -> c.getJob(PARENT + "/jobs/reconcile")));
  }

  private static <T> List<T> list(Iterable<T> items) {
    return java.util.stream.StreamSupport.stream(items.spliterator(), false).toList();
  }

  private void createWorld(LocalCloud cloud, boolean withRedis) throws Exception {
    try (NetworksClient networks = OfficialClients.networks(cloud);
        SubnetworksClient subnetworks = OfficialClients.subnetworks(cloud);
        AddressesClient addresses = OfficialClients.addresses(cloud);
        RoutersClient routers = OfficialClients.routers(cloud);
        FirewallsClient firewalls = OfficialClients.firewalls(cloud);
        VpcAccessServiceClient vpc = OfficialClients.vpcAccess(cloud);
        SecretManagerServiceClient secrets = OfficialClients.secrets(cloud);
        CloudRedisClient redis = OfficialClients.redis(cloud);
        ServicesClient services = OfficialClients.services(cloud);
        JobsClient jobs = OfficialClients.jobs(cloud)) {
      networks
          .insertAsync(
              P, Network.newBuilder().setName("vpc").setAutoCreateSubnetworks(false).build())
          .get();
      subnetworks
          .insertAsync(
              P,
              REGION,
              Subnetwork.newBuilder()
                  .setName("egress")
                  .setNetwork("global/networks/vpc")
                  .setIpCidrRange("10.10.0.0/24")
                  .build())
          .get();
      addresses.insertAsync(P, REGION, Address.newBuilder().setName("nat-ip").build()).get();
      routers
          .insertAsync(
              P,
              REGION,
              Router.newBuilder()
                  .setName("router")
                  .setNetwork("global/networks/vpc")
                  .addNats(
                      RouterNat.newBuilder()
                          .setName("nat")
                          .setSourceSubnetworkIpRangesToNat("ALL_SUBNETWORKS_ALL_IP_RANGES")
                          .setNatIpAllocateOption("MANUAL_ONLY")
                          .addNatIps("regions/" + REGION + "/addresses/nat-ip"))
                  .build())
          .get();
      firewalls
          .insertAsync(
              P,
              Firewall.newBuilder()
                  .setName("allow-redis")
                  .setNetwork("global/networks/vpc")
                  .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
                  .addSourceRanges("10.10.0.0/24")
                  .build())
          .get();
      vpc.createConnectorAsync(
              PARENT,
              "conn",
              Connector.newBuilder()
                  .setNetwork("vpc")
                  .setIpCidrRange("10.8.0.0/28")
                  .setMinInstances(2)
                  .setMaxInstances(3)
                  .build())
          .get();
      Secret secret =
          secrets.createSecret(
              "projects/" + P,
              "auth",
              Secret.newBuilder()
                  .setReplication(
                      Replication.newBuilder()
                          .setAutomatic(Replication.Automatic.getDefaultInstance()))
                  .build());
      secrets.addSecretVersion(
          secret.getName(),
          SecretPayload.newBuilder().setData(ByteString.copyFromUtf8("s3cret")).build());
      // Cloud Run fails a revision whose account cannot read a referenced secret.
      secrets.setIamPolicy(
          com.google.iam.v1.SetIamPolicyRequest.newBuilder()
              .setResource(secret.getName())
              .setPolicy(
                  Policy.newBuilder()
                      .addBindings(
                          Binding.newBuilder()
                              .setRole("roles/secretmanager.secretAccessor")
                              .addMembers(
                                  "serviceAccount:"
                                      + dev.runwire.emulator.core.Projects
                                          .defaultComputeServiceAccount(P))))
              .build());
      if (withRedis) {
        redis
            .createInstanceAsync(
                PARENT,
                "cache",
                Instance.newBuilder()
                    .setTier(Instance.Tier.BASIC)
                    .setMemorySizeGb(1)
                    .setAuthEnabled(true)
                    .setAuthorizedNetwork("projects/" + P + "/global/networks/vpc")
                    .build())
            .get();
      }
      Service service =
          services
              .createServiceAsync(
                  PARENT,
                  Service.newBuilder()
                      .setTemplate(
                          RevisionTemplate.newBuilder()
                              .setVpcAccess(
                                  VpcAccess.newBuilder().setConnector(PARENT + "/connectors/conn"))
                              .addContainers(
                                  Container.newBuilder()
                                      .setImage(APP)
                                      .addEnv(
                                          EnvVar.newBuilder()
                                              .setName("AUTH")
                                              .setValueSource(
                                                  EnvVarSource.newBuilder()
                                                      .setSecretKeyRef(
                                                          SecretKeySelector.newBuilder()
                                                              .setSecret("auth")
                                                              .setVersion("latest"))))))
                      .build(),
                  "app")
              .get();
      services.setIamPolicy(
          com.google.iam.v1.SetIamPolicyRequest.newBuilder()
              .setResource(service.getName())
              .setPolicy(
                  Policy.newBuilder()
                      .addBindings(
                          Binding.newBuilder().setRole("roles/run.invoker").addMembers("allUsers")))
              .build());
      jobs.createJobAsync(
              PARENT,
              Job.newBuilder()
                  .setTemplate(
                      ExecutionTemplate.newBuilder()
                          .setTemplate(
                              TaskTemplate.newBuilder()
                                  .addContainers(Container.newBuilder().setImage("local/job"))))
                  .build(),
              "reconcile")
          .get();
    }
  }

  @Test
  void aRestartWithTheSameStateFileFindsTheSameWorld() throws Exception {
    Path stateFile = dir.resolve("cloud-state.json");
    World before;
    boolean withRedis;
    try (LocalCloud first = start(stateFile)) {
      withRedis = !first.redisServer().startsWith("none");
      createWorld(first, withRedis);
      before = read(first, withRedis);
      if (withRedis) {
        try (Jedis jedis = new Jedis("127.0.0.1", before.redis().getPort())) {
          jedis.auth(before.redisAuth());
          jedis.set("kept", "no");
        }
      }
    }

    assertTrue(Files.exists(stateFile), "close saves the state");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile)),
          "the state file holds secrets: owner-only");
    }

    try (LocalCloud second = start(stateFile)) {
      World after = read(second, withRedis);
      assertEquals(before, after);
      assertEquals("s3cret", after.payload().toStringUtf8());
      assertEquals("s3cret", fetch(after.service().getUri() + "/env/AUTH"), "service runs again");
      if (withRedis) {
        try (Jedis jedis = new Jedis("127.0.0.1", after.redis().getPort())) {
          jedis.auth(after.redisAuth());
          assertNull(jedis.get("kept"), "Redis data is not kept: a fresh redis-server");
        }
      }
      assertFalse(second.state().toString().contains("s3cret"), "the snapshot stays secret-free");

      // Ids go on: a new network does not take an id the first run handed out.
      try (NetworksClient networks = OfficialClients.networks(second)) {
        networks
            .insertAsync(
                P, Network.newBuilder().setName("later").setAutoCreateSubnetworks(false).build())
            .get();
        long id = networks.get(P, "later").getId();
        before.networks().forEach(n -> assertNotEquals(n.getId(), id));
      }
    }
  }

  @Test
  void adminSaveWritesTheFileAndAFileThatIsNotOursIsRefused() throws Exception {
    try (LocalCloud noFile = LocalCloud.builder().start()) {
      HttpResponse<String> refused = PlainHttp.send(noFile, "POST", "/admin/save", "");
      assertEquals(400, refused.statusCode());
      assertTrue(refused.body().contains("state file"), refused.body());
    }

    Path stateFile = dir.resolve("saved-on-request.json");
    try (LocalCloud cloud = LocalCloud.builder().stateFile(stateFile).start()) {
      HttpResponse<String> saved = PlainHttp.send(cloud, "POST", "/admin/save", "");
      assertEquals(200, saved.statusCode(), saved.body());
      assertTrue(Files.readString(stateFile).contains(StateFile.FORMAT));
    }

    Path foreign = dir.resolve("foreign.json");
    Files.writeString(foreign, "{\"something\":\"else\"}");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> LocalCloud.builder().stateFile(foreign).start());
    assertTrue(e.getMessage().contains("foreign.json"), e.getMessage());
  }

  private static String fetch(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
