package dev.runwire.emulator.redis;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.TlsCertificate;
import com.google.protobuf.Timestamp;
import dev.runwire.emulator.network.Reachability;
import dev.runwire.processes.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Transit encryption ({@code SERVER_AUTHENTICATION}) of one instance: redis-server also listens
 * with TLS on its own port, which the instance's front relays to (the front's port is what {@code
 * port} returns, standing for Google's 6378); its certificate is signed by a CA made for the
 * instance and returned in {@code serverCaCerts}. The plain port redis-server keeps is the local
 * cloud's own (CONFIG SET); no workload is given it.
 */
final class InstanceTls {

  final int port;
  final InstanceCa.Files3 files;

  private InstanceTls(int port, InstanceCa.Files3 files) {
    this.port = port;
    this.files = files;
  }

  /** Certificates and a port for a TLS instance; null when transit encryption is off. */
  static InstanceTls prepare(Instance instance, Path root) throws IOException {
    if (instance.getTransitEncryptionMode()
        != Instance.TransitEncryptionMode.SERVER_AUTHENTICATION) {
      return null;
    }
    String id = instance.getName().substring(instance.getName().lastIndexOf('/') + 1);
    try {
      return new InstanceTls(
          FreePorts.pick(),
          InstanceCa.issue(
              instance.getName(),
              Reachability.addressIn(instance.getReservedIpRange()),
              root.resolve(id + "-tls")));
    } catch (GeneralSecurityException e) {
      throw new IOException("the instance's TLS certificates could not be made: " + e, e);
    }
  }

  /** The redis-server settings for {@code tls} (none when null). */
  static String conf(InstanceTls tls) {
    if (tls == null) {
      return "";
    }
    return "tls-port "
        + tls.port
        + "\ntls-cert-file "
        + tls.files.cert()
        + "\ntls-key-file "
        + tls.files.key()
        + "\ntls-ca-cert-file "
        + tls.files.caCert()
        + "\ntls-auth-clients no\n";
  }

  /** Puts the instance's CA in {@code serverCaCerts}. */
  static void describe(InstanceTls tls, Instance.Builder instance) {
    if (tls == null) {
      return;
    }
    InstanceCa.Issued ca = tls.files.ca();
    instance
        .clearServerCaCerts()
        .addServerCaCerts(
            TlsCertificate.newBuilder()
                .setSerialNumber(ca.serialNumber())
                .setCert(ca.pem())
                .setCreateTime(timestamp(ca.createTime()))
                .setExpireTime(timestamp(ca.expireTime()))
                .setSha1Fingerprint(ca.sha1()));
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
