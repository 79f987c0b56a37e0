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
}
