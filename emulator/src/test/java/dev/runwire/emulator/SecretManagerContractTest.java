package dev.runwire.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.iam.v1.Binding;
import com.google.iam.v1.Policy;
import com.google.protobuf.ByteString;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SecretManagerContractTest {

  @RegisterExtension static final CloudFixture local = new CloudFixture(b -> b);

  private static SecretManagerServiceClient secrets;

  @BeforeAll
  static void start() {
    secrets = local.open(OfficialClients::secrets);
  }

  private static Secret automatic() {
    return Secret.newBuilder()
        .setReplication(
            Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()))
        .build();
  }

  @Test
  void versionsAreAddedAndAccessedWithChecksums() {
    Secret s = secrets.createSecret("projects/p", "auth", automatic());
    byte[] data = "first".getBytes();
    CRC32C crc = new CRC32C();
    crc.update(data);
    SecretVersion v1 =
        secrets.addSecretVersion(
            s.getName(),
            SecretPayload.newBuilder()
                .setData(ByteString.copyFrom(data))
                .setDataCrc32C(crc.getValue())
                .build());
    secrets.addSecretVersion(
        s.getName(), SecretPayload.newBuilder().setData(ByteString.copyFromUtf8("second")).build());

    assertEquals(s.getName() + "/versions/1", v1.getName());
    assertEquals(SecretVersion.State.ENABLED, v1.getState());
    AccessSecretVersionResponse latest =
        secrets.accessSecretVersion(s.getName() + "/versions/latest");
    assertEquals("second", latest.getPayload().getData().toStringUtf8());
    assertEquals(s.getName() + "/versions/2", latest.getName());
    assertEquals(
        "first", secrets.accessSecretVersion(v1.getName()).getPayload().getData().toStringUtf8());
    assertEquals(v1, secrets.getSecretVersion(v1.getName()));
    assertEquals(s, secrets.getSecret(s.getName()));
    assertFalse(
        local.cloud().state().toString().contains("second"), "payloads never appear in state");
  }

  @Test
  void errorsNameTheProblem() {
    secrets.createSecret("projects/p", "dup", automatic());
    AbortedException dup =
        assertThrows(
            AbortedException.class, () -> secrets.createSecret("projects/p", "dup", automatic()));
    assertTrue(ErrorBodies.of(dup).contains("ALREADY_EXISTS"));
    InvalidArgumentException noReplication =
        assertThrows(
            InvalidArgumentException.class,
            () -> secrets.createSecret("projects/p", "norep", Secret.getDefaultInstance()));
    assertTrue(ErrorBodies.of(noReplication).contains("secret.replication"));
    InvalidArgumentException badCrc =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                secrets.addSecretVersion(
                    "projects/p/secrets/dup",
                    SecretPayload.newBuilder()
                        .setData(ByteString.copyFromUtf8("x"))
                        .setDataCrc32C(1)
                        .build()));
    assertTrue(ErrorBodies.of(badCrc).contains("dataCrc32c"));
    assertThrows(NotFoundException.class, () -> secrets.getSecret("projects/p/secrets/none"));
    assertThrows(
        NotFoundException.class,
        () -> secrets.accessSecretVersion("projects/p/secrets/dup/versions/7"));
  }

  /**
   * UpdateSecret (PATCH with updateMask) changes labels and annotations only; replication is
   * immutable; a stale etag is refused (google/cloud/secretmanager/v1 service.proto,
   * resources.proto).
   */
  @Test
  void annotationsChangeThroughUpdateSecretWithAMask() {
    Secret s = secrets.createSecret("projects/p", "annotated", automatic());

    Secret updated =
        secrets.updateSecret(
            s.toBuilder().putAnnotations("runwire.dev/note", "granted").build(),
            com.google.protobuf.FieldMask.newBuilder().addPaths("annotations").build());

    assertEquals("granted", updated.getAnnotationsMap().get("runwire.dev/note"));
    assertEquals(updated, secrets.getSecret(s.getName()));
    InvalidArgumentException replication =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                secrets.updateSecret(
                    updated,
                    com.google.protobuf.FieldMask.newBuilder().addPaths("replication").build()));
    assertTrue(ErrorBodies.of(replication).contains("immutable"));
    assertThrows(
        AbortedException.class,
        () ->
            secrets.updateSecret(
                s.toBuilder().putAnnotations("late", "x").build(),
                com.google.protobuf.FieldMask.newBuilder().addPaths("annotations").build()));
  }

  @Test
  void iamPolicyRoundTrips() {
    Secret s = secrets.createSecret("projects/p", "shared", automatic());
    Policy p =
        secrets.getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder().setResource(s.getName()).build());

    Policy set =
        secrets.setIamPolicy(
            com.google.iam.v1.SetIamPolicyRequest.newBuilder()
                .setResource(s.getName())
                .setPolicy(
                    p.toBuilder()
                        .addBindings(
                            Binding.newBuilder()
                                .setRole("roles/secretmanager.secretAccessor")
                                .addMembers("serviceAccount:svc@p.iam.gserviceaccount.com")))
                .build());

    assertEquals(1, set.getBindingsCount());
    assertEquals(
        set,
        secrets.getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder().setResource(s.getName()).build()));
  }

  /**
   * Policy versions (google/iam/v1 Policy.version and GetPolicyOptions; IAM docs "Policy
   * versions"): a conditional binding needs version 3 to be written and to be read; a read below 3
   * answers version 1 with the role suffixed {@code _withcond_...} and no condition, and the
   * response's {@code version} is 3 only when asked for and the policy has conditions. Secret
   * Manager's REST getIamPolicy is a GET with {@code ?options.requestedPolicyVersion=3}.
   */
  @Test
  void conditionalBindingsNeedPolicyVersion3() throws Exception {
    Secret s = secrets.createSecret("projects/p", "conditional", automatic());
    Binding plain =
        Binding.newBuilder()
            .setRole("roles/secretmanager.secretAccessor")
            .addMembers("serviceAccount:app@p.iam.gserviceaccount.com")
            .build();
    Binding conditional =
        Binding.newBuilder()
            .setRole("roles/secretmanager.viewer")
            .addMembers("user:ops@example.com")
            .setCondition(
                com.google.type.Expr.newBuilder()
                    .setTitle("until-2030")
                    .setExpression("request.time < timestamp('2030-01-01T00:00:00Z')"))
            .build();
    Policy empty =
        secrets.getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder().setResource(s.getName()).build());

    InvalidArgumentException v1WithCondition =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                secrets.setIamPolicy(
                    com.google.iam.v1.SetIamPolicyRequest.newBuilder()
                        .setResource(s.getName())
                        .setPolicy(empty.toBuilder().addBindings(conditional).setVersion(1))
                        .build()));
    assertTrue(ErrorBodies.of(v1WithCondition).contains("policy.version"));

    Policy stored =
        secrets.setIamPolicy(
            com.google.iam.v1.SetIamPolicyRequest.newBuilder()
                .setResource(s.getName())
                .setPolicy(
                    empty.toBuilder().addBindings(plain).addBindings(conditional).setVersion(3))
                .build());
    assertEquals(3, stored.getVersion());

    Policy asV3 =
        secrets.getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder()
                .setResource(s.getName())
                .setOptions(
                    com.google.iam.v1.GetPolicyOptions.newBuilder().setRequestedPolicyVersion(3))
                .build());
    assertEquals(3, asV3.getVersion());
    assertEquals(java.util.List.of(plain, conditional), asV3.getBindingsList());

    Policy asV1 =
        secrets.getIamPolicy(
            com.google.iam.v1.GetIamPolicyRequest.newBuilder().setResource(s.getName()).build());
    assertEquals(1, asV1.getVersion());
    assertEquals(plain, asV1.getBindings(0));
    assertTrue(
        asV1.getBindings(1).getRole().startsWith("roles/secretmanager.viewer_withcond_"),
        asV1.getBindings(1).getRole());
    assertFalse(asV1.getBindings(1).hasCondition());

    InvalidArgumentException writeBackV1 =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                secrets.setIamPolicy(
                    com.google.iam.v1.SetIamPolicyRequest.newBuilder()
                        .setResource(s.getName())
                        .setPolicy(asV1)
                        .build()));
    assertTrue(ErrorBodies.of(writeBackV1).contains("requestedPolicyVersion=3"));

    java.net.http.HttpResponse<String> plainHttp =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            local.cloud().baseUrl()
                                + "/v1/"
                                + s.getName()
                                + ":getIamPolicy?options.requestedPolicyVersion=3"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, plainHttp.statusCode());
    assertTrue(plainHttp.body().contains("\"version\":3"), plainHttp.body());
    assertTrue(plainHttp.body().contains("request.time"), plainHttp.body());
  }
}
