package dev.runwire.emulator.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The certificates of one TLS instance, made the way Memorystore makes them: a CA per instance
 * (what {@code serverCaCerts} returns, valid 10 years) and a server certificate it signs (valid 180
 * days, the rotation period Memorystore documents), RSA 2048 with SHA-256. Built with the JDK
 * alone: BouncyCastle's certificate builder (bcpkix) is not in the build and the JDK has no public
 * API to issue a certificate, so this writes the few DER structures of RFC 5280 it needs. The files
 * redis-server reads ({@code tls-cert-file}, {@code tls-key-file}, {@code tls-ca-cert-file}) are
 * owner-only.
 */
final class InstanceCa {

  /** One certificate as the API shows it (Instance.serverCaCerts[]). */
  record Issued(
      String serialNumber, String pem, Instant createTime, Instant expireTime, String sha1) {}

  /** The files redis-server needs, and the CA for serverCaCerts. */
  record Files3(Path cert, Path key, Path caCert, Issued ca) {}

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration SERVER_VALIDITY = Duration.ofDays(180);

  private static final byte[] SHA256_WITH_RSA = oid(1, 2, 840, 113549, 1, 1, 11);
  private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] ORGANIZATION = oid(2, 5, 4, 10);
  private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
  private static final byte[] KEY_USAGE = oid(2, 5, 29, 15);
  private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
  private static final SecureRandom RANDOM = new SecureRandom();

  private InstanceCa() {}

  /**
   * A new CA and server certificate for {@code instance} (its full name), written to {@code dir}.
   */
  static Files3 issue(String instance, String address, Path dir)
      throws IOException, GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048, RANDOM);
    KeyPair caKeys = gen.generateKeyPair();
    KeyPair serverKeys = gen.generateKeyPair();
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    byte[] caName = name("Google Cloud Memorystore Redis Server CA", "Google, Inc");
    X509Certificate ca =
        sign(
            caName,
            caName,
            caKeys.getPublic().getEncoded(),
            caKeys.getPrivate(),
            now,
            now.plus(CA_VALIDITY),
            seq(
                ext(BASIC_CONSTRAINTS, true, seq(bool(true))),
                ext(KEY_USAGE, true, keyUsage(0x06, 1))));
    X509Certificate server =
        sign(
            caName,
            name(instance.substring(instance.lastIndexOf('/') + 1), "Google, Inc"),
            serverKeys.getPublic().getEncoded(),
            caKeys.getPrivate(),
            now,
            now.plus(SERVER_VALIDITY),
            seq(
                ext(BASIC_CONSTRAINTS, true, seq()),
                ext(KEY_USAGE, true, keyUsage(0xA0, 5)),
                ext(SUBJECT_ALT_NAME, false, subjectAltNames(address))));
    Files.createDirectories(dir);
    Path cert = write(dir.resolve("server.crt"), pem("CERTIFICATE", server.getEncoded()));
    Path key =
        write(dir.resolve("server.key"), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    String caPem = pem("CERTIFICATE", ca.getEncoded());
    Path caCert = write(dir.resolve("ca.crt"), caPem);
    Issued issued =
        new Issued(
            ca.getSerialNumber().toString(),
            caPem,
            now,
            now.plus(CA_VALIDITY),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(ca.getEncoded())));
    return new Files3(cert, key, caCert, issued);
  }

  private static X509Certificate sign(
      byte[] issuer,
      byte[] subject,
      byte[] publicKeyInfo,
      PrivateKey signer,
      Instant from,
      Instant to,
      byte[] extensions)
      throws GeneralSecurityException {
    byte[] algorithm = seq(SHA256_WITH_RSA, new byte[] {0x05, 0x00});
    byte[] tbs =
        seq(
            tlv(0xA0, integer(BigInteger.TWO)), // v3
            integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
            algorithm,
            issuer,
            seq(time(from), time(to)),
            subject,
            publicKeyInfo,
            tlv(0xA3, extensions));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(signer);
    s.update(tbs);
    byte[] der = seq(tbs, algorithm, bitString(s.sign(), 0));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(der));
  }

  private static byte[] subjectAltNames(String address) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String ip : new String[] {"127.0.0.1", address}) {
      byte[] octets = new byte[4];
      String[] parts = ip.split("\\.");
      for (int i = 0; i < 4; i++) {
        octets[i] = (byte) Integer.parseInt(parts[i]);
      }
      out.writeBytes(tlv(0x87, octets)); // iPAddress
    }
    out.writeBytes(tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))); // dNSName
    return tlv(0x30, out.toByteArray());
  }

  private static byte[] name(String commonName, String organization) {
    return seq(
        tlv(0x31, seq(ORGANIZATION, tlv(0x0C, organization.getBytes(StandardCharsets.UTF_8)))),
        tlv(0x31, seq(COMMON_NAME, tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] ext(byte[] oid, boolean critical, byte[] value) {
    return critical ? seq(oid, bool(true), tlv(0x04, value)) : seq(oid, tlv(0x04, value));
  }

  private static byte[] keyUsage(int bits, int unused) {
    return new byte[] {0x03, 0x02, (byte) unused, (byte) bits};
  }

  private static byte[] time(Instant t) {
    // UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
    var utc = t.atOffset(ZoneOffset.UTC);
    boolean utcTime = utc.getYear() < 2050;
    String text =
        utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss" : "yyyyMMddHHmmss")) + "Z";
    return tlv(utcTime ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bool(boolean b) {
    return new byte[] {0x01, 0x01, (byte) (b ? 0xFF : 0x00)};
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] bitString(byte[] bits, int unused) {
    byte[] body = new byte[bits.length + 1];
    body[0] = (byte) unused;
    System.arraycopy(bits, 0, body, 1, bits.length);
    return tlv(0x03, body);
  }

  private static byte[] oid(int... arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int v = arcs[i];
      int shift = 28;
      while (shift > 0 && (v >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((v >>> shift) & 0x7F));
      }
      out.write(v & 0x7F);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return tlv(0x30, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static Path write(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    return Files.writeString(file, text);
  }
}
