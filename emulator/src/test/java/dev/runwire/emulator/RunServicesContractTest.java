package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.cloud.run.v2.VpcAccess;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.iam.v1.Binding;
import com.google.iam.v1.GetIamPolicyRequest;
import com.google.iam.v1.Policy;
import com.google.iam.v1.SetIamPolicyRequest;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import dev.runwire.emulator.fixtures.EnvEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RunServicesContractTest {

  private static final String PROJECT = "demo-project";
  private static final String PARENT = "projects/" + PROJECT + "/locations/us-central1";
  private static final String APP = "local/env-echo";
  private static final String DEFAULT_SA =
      dev.runwire.emulator.core.Projects.defaultComputeServiceAccount(PROJECT);

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b -> b.profile("instant").imageCommand(APP, TestCommands.javaMain(EnvEchoServer.class)));

  private static LocalCloud cloud;
  private static ServicesClient services;
  private static SecretManagerServiceClient secrets;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    services = local.open(OfficialClients::services);
    secrets = local.open(OfficialClients::secrets);
  }

  private static Service service(String image, EnvVar... env) {
    return Service.newBuilder()
        .setTemplate(
            RevisionTemplate.newBuilder()
                .addContainers(
                    Container.newBuilder().setImage(image).addAllEnv(java.util.List.of(env))))
        .build();
  }

  private static EnvVar plain(String name, String value) {
    return EnvVar.newBuilder().setName(name).setValue(value).build();
  }

  @Test
  void createdServiceIsReadyWithServerSetFields() throws Exception {
    Service s = services.createServiceAsync(PARENT, service("gcr.io/demo/app:1"), "web").get();

    assertEquals(1, s.getGeneration());
    assertEquals(1, s.getObservedGeneration());
    assertFalse(s.getReconciling());
    assertEquals(Condition.State.CONDITION_SUCCEEDED, s.getTerminalCondition().getState());
    assertTrue(
        s.getLatestReadyRevision().matches(PARENT + "/services/web/revisions/web-00001-[a-z]{3}"),
        s.getLatestReadyRevision());
    assertEquals(s.getLatestCreatedRevision(), s.getLatestReadyRevision());
    assertTrue(s.getUri().matches("https://web-[a-z0-9]{10}-uc\\.a\\.run\\.app"), s.getUri());
    assertFalse(s.getEtag().isEmpty());
    assertEquals(s, services.getService(s.getName()));
  }

  @Test
  void mappedImageRunsAsAProcessWithRevisionEnvAndSecrets() throws Exception {
    Secret secret =
        secrets.createSecret(
            "projects/" + PROJECT,
            "redis-auth",
            Secret.newBuilder()
                .setReplication(
                    Replication.newBuilder()
                        .setAutomatic(Replication.Automatic.getDefaultInstance()))
                .build());
    secrets.addSecretVersion(
        secret.getName(),
        SecretPayload.newBuilder().setData(ByteString.copyFromUtf8("s3cret")).build());
    grantAccessor(secret.getName(), DEFAULT_SA);
    EnvVar fromSecret =
        EnvVar.newBuilder()
            .setName("REDIS_AUTH")
            .setValueSource(
                EnvVarSource.newBuilder()
                    .setSecretKeyRef(
                        SecretKeySelector.newBuilder()
                            .setSecret("redis-auth")
                            .setVersion("latest")))
            .build();

    Service s =
        services
            .createServiceAsync(
                PARENT, service(APP, plain("REDIS_HOST", "10.0.0.3"), fromSecret), "echo")
            .get();

    assertTrue(s.getUri().startsWith("http://127.0.0.1:"), s.getUri());
    assertEquals("10.0.0.3", fetch(s.getUri() + "/env/REDIS_HOST"));
    assertEquals("s3cret", fetch(s.getUri() + "/env/REDIS_AUTH"));
    assertEquals("echo", fetch(s.getUri() + "/env/K_SERVICE"));

    Service updated =
        services
            .updateServiceAsync(
                UpdateServiceRequest.newBuilder()
                    .setService(
                        service(APP, plain("REDIS_HOST", "10.0.0.4"), fromSecret).toBuilder()
                            .setName(s.getName()))
                    .build())
            .get();

    assertEquals(2, updated.getGeneration());
    assertNotEquals(s.getLatestReadyRevision(), updated.getLatestReadyRevision());
    assertTrue(updated.getLatestReadyRevision().contains("/revisions/echo-00002-"));
    assertEquals(s.getUri(), updated.getUri());
    assertEquals("10.0.0.4", fetch(updated.getUri() + "/env/REDIS_HOST"));
  }

  @Test
  void updateMaskChangesOnlyTheNamedFieldsAndANoOpKeepsTheGeneration() throws Exception {
    Service s = services.createServiceAsync(PARENT, service("gcr.io/demo/app:1"), "masked").get();

    Service labelled =
        services
            .updateServiceAsync(
                UpdateServiceRequest.newBuilder()
                    .setService(Service.newBuilder().setName(s.getName()).putLabels("team", "a"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("labels"))
                    .build())
            .get();
    Service again =
        services
            .updateServiceAsync(
                UpdateServiceRequest.newBuilder()
                    .setService(Service.newBuilder().setName(s.getName()).putLabels("team", "a"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("labels"))
                    .build())
            .get();

    assertEquals(2, labelled.getGeneration());
    assertEquals("a", labelled.getLabelsMap().get("team"));
    assertEquals(s.getTemplate(), labelled.getTemplate());
    assertEquals(
        s.getLatestReadyRevision(), labelled.getLatestReadyRevision(), "labels make no revision");
    assertEquals(2, again.getGeneration());
  }

  @Test
  void allowMissingUpdateCreatesTheService() throws Exception {
    Service s =
        services
            .updateServiceAsync(
                UpdateServiceRequest.newBuilder()
                    .setService(
                        service("gcr.io/demo/app:1").toBuilder().setName(PARENT + "/services/late"))
                    .setAllowMissing(true)
                    .build())
            .get();

    assertEquals(1, s.getGeneration());
    ExecutionException missing =
        assertThrows(
            ExecutionException.class,
            () ->
                services
                    .updateServiceAsync(
                        service("gcr.io/demo/app:1").toBuilder()
                            .setName(PARENT + "/services/absent")
                            .build())
                    .get());
    assertTrue(missing.getCause() instanceof NotFoundException, missing.toString());
  }

  @Test
  void invalidIdAndBothEgressModesAreRefusedNamingTheField() {
    ExecutionException badId =
        assertThrows(
            ExecutionException.class,
            () -> services.createServiceAsync(PARENT, service("gcr.io/a"), "web-").get());
    assertTrue(badId.getCause() instanceof InvalidArgumentException);
    assertTrue(ErrorBodies.of(badId).contains("serviceId"), ErrorBodies.of(badId));

    Service both =
        service("gcr.io/a").toBuilder()
            .setTemplate(
                service("gcr.io/a").getTemplate().toBuilder()
                    .setVpcAccess(
                        VpcAccess.newBuilder()
                            .setConnector(
                                "projects/demo-project/locations/us-central1/connectors/c")
                            .addNetworkInterfaces(
                                VpcAccess.NetworkInterface.newBuilder().setNetwork("default"))))
            .build();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> services.createServiceAsync(PARENT, both, "both").get());
    assertTrue(ErrorBodies.of(e).contains("service.template.vpcAccess"), ErrorBodies.of(e));
  }

  @Test
  void directVpcEgressNeedsAnExistingSubnetAndConnectorsMustExist() throws Exception {
    Service onDefault =
        withVpc(
            VpcAccess.newBuilder()
                .setEgress(VpcAccess.VpcEgress.ALL_TRAFFIC)
                .addNetworkInterfaces(
                    VpcAccess.NetworkInterface.newBuilder()
                        .setNetwork("default")
                        .setSubnetwork("default")));
    Service ok = services.createServiceAsync(PARENT, onDefault, "direct").get();
    assertEquals(VpcAccess.VpcEgress.ALL_TRAFFIC, ok.getTemplate().getVpcAccess().getEgress());

    ExecutionException noSubnet =
        assertThrows(
            ExecutionException.class,
            () ->
                services
                    .createServiceAsync(
                        PARENT,
                        withVpc(
                            VpcAccess.newBuilder()
                                .addNetworkInterfaces(
                                    VpcAccess.NetworkInterface.newBuilder()
                                        .setSubnetwork("missing"))),
                        "nosubnet")
                    .get());
    assertTrue(
        ErrorBodies.of(noSubnet).contains("networkInterfaces[0].subnetwork"),
        ErrorBodies.of(noSubnet));

    ExecutionException noConnector =
        assertThrows(
            ExecutionException.class,
            () ->
                services
                    .createServiceAsync(
                        PARENT, withVpc(VpcAccess.newBuilder().setConnector("conn")), "viaconn")
                    .get());
    assertTrue(
        ErrorBodies.of(noConnector).contains("vpcAccess.connector"), ErrorBodies.of(noConnector));
  }

  @Test
  void secretEnvMustPointAtAnExistingVersion() {
    EnvVar ref =
        EnvVar.newBuilder()
            .setName("TOKEN")
            .setValueSource(
                EnvVarSource.newBuilder()
                    .setSecretKeyRef(SecretKeySelector.newBuilder().setSecret("nope")))
            .build();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> services.createServiceAsync(PARENT, service("gcr.io/a", ref), "s").get());
    assertTrue(ErrorBodies.of(e).contains("secretKeyRef"), ErrorBodies.of(e));
  }

  @Test
  void iamPolicyMakesTheServicePublicAndRefusesAStaleEtag() throws Exception {
    Service s = services.createServiceAsync(PARENT, service("gcr.io/demo/app:1"), "pub").get();
    Policy current =
        services.getIamPolicy(GetIamPolicyRequest.newBuilder().setResource(s.getName()).build());

    Policy set =
        services.setIamPolicy(
            SetIamPolicyRequest.newBuilder()
                .setResource(s.getName())
                .setPolicy(
                    current.toBuilder()
                        .addBindings(
                            Binding.newBuilder()
                                .setRole("roles/run.invoker")
                                .addMembers("allUsers")))
                .build());

    assertEquals("allUsers", set.getBindings(0).getMembers(0));
    assertEquals(
        set,
        services.getIamPolicy(GetIamPolicyRequest.newBuilder().setResource(s.getName()).build()));
    assertThrows(
        AbortedException.class,
        () ->
            services.setIamPolicy(
                SetIamPolicyRequest.newBuilder()
                    .setResource(s.getName())
                    .setPolicy(current)
                    .build()));
  }

  @Test
  void deletedServiceIsGone() throws Exception {
    Service s = services.createServiceAsync(PARENT, service(APP), "bye").get();
    String uri = s.getUri();

    services.deleteServiceAsync(s.getName()).get();

    assertThrows(NotFoundException.class, () -> services.getService(s.getName()));
    assertThrows(java.io.IOException.class, () -> fetch(uri + "/env/PORT"));
  }

  /**
   * Cloud Run checks at deploy time that the revision's service account (template.serviceAccount,
   * else the project's default compute account) can access every secret it references, and fails
   * the revision otherwise; the message is Cloud Run's (seen in
   * sourcegraph/sourcegraph-public-snapshot#59045). A failed reconciliation leaves
   * observedGeneration, latestReadyRevision and traffic at the last serving revision
   * (service.proto, `reconciling`).
   */
  @Test
  void revisionWithoutSecretAccessFailsAndKeepsTheLastServingRevision() throws Exception {
    Secret secret = secretWithVersion("locked-auth", "pw");
    EnvVar fromSecret = secretEnv("AUTH", "locked-auth");
    Service first =
        services.createServiceAsync(PARENT, service("gcr.io/demo/app:1"), "locked").get();

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                services
                    .updateServiceAsync(
                        UpdateServiceRequest.newBuilder()
                            .setService(
                                service("gcr.io/demo/app:1", fromSecret).toBuilder()
                                    .setName(first.getName()))
                            .build())
                    .get());

    Service failed = services.getService(first.getName());
    String message = failed.getTerminalCondition().getMessage();
    assertFalse(failed.getReconciling());
    assertEquals(Condition.State.CONDITION_FAILED, failed.getTerminalCondition().getState());
    assertTrue(
        message.contains(
            "spec.template.spec.containers[0].env[0].value_from.secret_key_ref.name: Permission"
                + " denied on secret: projects/demo-project/secrets/locked-auth/versions/latest"
                + " for Revision service account "
                + DEFAULT_SA),
        message);
    assertTrue(message.contains("roles/secretmanager.secretAccessor"), message);
    assertTrue(e.getMessage().contains("Permission denied on secret"), e.getMessage());
    assertEquals(2, failed.getGeneration());
    assertEquals(1, failed.getObservedGeneration());
    assertEquals(first.getLatestReadyRevision(), failed.getLatestReadyRevision());
    assertEquals(first.getTrafficStatusesList(), failed.getTrafficStatusesList());

    grantAccessor(secret.getName(), DEFAULT_SA);
    Service fixed =
        services
            .updateServiceAsync(
                UpdateServiceRequest.newBuilder()
                    .setService(
                        service("gcr.io/demo/app:2", fromSecret).toBuilder()
                            .setName(first.getName()))
                    .build())
            .get();
    assertEquals(3, fixed.getObservedGeneration());
    assertEquals(Condition.State.CONDITION_SUCCEEDED, fixed.getTerminalCondition().getState());
  }

  /** A grant to another account does not help: the check is for the revision's own account. */
  @Test
  void secretAccessIsCheckedForTheTemplatesServiceAccount() throws Exception {
    Secret secret = secretWithVersion("sa-auth", "pw");
    grantAccessor(secret.getName(), DEFAULT_SA);
    Service withOwnAccount = service("gcr.io/demo/app:1", secretEnv("AUTH", "sa-auth"));
    withOwnAccount =
        withOwnAccount.toBuilder()
            .setTemplate(
                withOwnAccount.getTemplate().toBuilder()
                    .setServiceAccount("app@demo-project.iam.gserviceaccount.com"))
            .build();
    Service request = withOwnAccount;

    assertThrows(
        ExecutionException.class,
        () -> services.createServiceAsync(PARENT, request, "own-sa").get());
    Service failed = services.getService(PARENT + "/services/own-sa");
    assertTrue(
        failed
            .getTerminalCondition()
            .getMessage()
            .contains("for Revision service account app@demo-project.iam.gserviceaccount.com"),
        failed.getTerminalCondition().getMessage());
    assertEquals(0, failed.getObservedGeneration());
    assertEquals("", failed.getLatestReadyRevision());
  }

  /** Compute projects.get names the default compute service account (compute.v1.Project). */
  @Test
  void computeProjectsGetNamesTheDefaultServiceAccount() throws Exception {
    String body = fetch(cloud.baseUrl() + "/compute/v1/projects/" + PROJECT);
    com.google.gson.JsonObject project =
        com.google.gson.JsonParser.parseString(body).getAsJsonObject();
    assertEquals(DEFAULT_SA, project.get("defaultServiceAccount").getAsString());
    assertTrue(DEFAULT_SA.matches("\\d{12}-compute@developer\\.gserviceaccount\\.com"), DEFAULT_SA);
    assertEquals(PROJECT, project.get("name").getAsString());
    assertEquals("compute#project", project.get("kind").getAsString());
  }

  private static Secret secretWithVersion(String id, String payload) {
    Secret secret =
        secrets.createSecret(
            "projects/" + PROJECT,
            id,
            Secret.newBuilder()
                .setReplication(
                    Replication.newBuilder()
                        .setAutomatic(Replication.Automatic.getDefaultInstance()))
                .build());
    secrets.addSecretVersion(
        secret.getName(),
        SecretPayload.newBuilder().setData(ByteString.copyFromUtf8(payload)).build());
    return secret;
  }

  private static EnvVar secretEnv(String name, String secret) {
    return EnvVar.newBuilder()
        .setName(name)
        .setValueSource(
            EnvVarSource.newBuilder()
                .setSecretKeyRef(
                    SecretKeySelector.newBuilder().setSecret(secret).setVersion("latest")))
        .build();
  }

  /** gcloud secrets add-iam-policy-binding SECRET --role=roles/secretmanager.secretAccessor. */
  private static void grantAccessor(String secretName, String serviceAccount) {
    Policy current =
        secrets.getIamPolicy(GetIamPolicyRequest.newBuilder().setResource(secretName).build());
    secrets.setIamPolicy(
        SetIamPolicyRequest.newBuilder()
            .setResource(secretName)
            .setPolicy(
                current.toBuilder()
                    .addBindings(
                        Binding.newBuilder()
                            .setRole("roles/secretmanager.secretAccessor")
                            .addMembers("serviceAccount:" + serviceAccount)))
            .build());
  }

  private static Service withVpc(VpcAccess.Builder vpc) {
    Service base = service("gcr.io/a");
    return base.toBuilder().setTemplate(base.getTemplate().toBuilder().setVpcAccess(vpc)).build();
  }

  private static String fetch(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
