package dev.runwire.job.probe;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The {@code probe} command: what runs inside the probe job's task, on the service's own network
 * path. Connects to {@code REDIS_HOST}:{@code REDIS_PORT} (TLS when {@code REDIS_CA_CERT} holds the
 * instance's CA, or {@code REDIS_TLS=true}), AUTHs with {@code REDIS_AUTH} when set, PINGs and
 * INCRs {@code RUNWIRE_PROBE_KEY}; exits with a {@link ProbeResult} code. Prints what it reached or
 * what failed, never the AUTH string.
 */
public final class RedisProbe {

  public static final String HOST = "REDIS_HOST";
  public static final String PORT = "REDIS_PORT";
  public static final String AUTH = "REDIS_AUTH";
  public static final String CA_CERT = "REDIS_CA_CERT";
  public static final String TLS = "REDIS_TLS";
  public static final String KEY = "RUNWIRE_PROBE_KEY";
  public static final String TIMEOUT_MS = "RUNWIRE_PROBE_TIMEOUT_MS";

  private final Map<String, String> env;
  private final PrintStream out;

  public RedisProbe(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  /** Runs one probe; returns the exit code. */
  public int run() {
    String host = env.get(HOST);
    String portText = env.get(PORT);
    if (host == null || host.isBlank() || portText == null || !portText.matches("\\d{1,5}")) {
      return report(ProbeResult.CONFIG, "REDIS_HOST=" + host + " REDIS_PORT=" + portText);
    }
    int port = Integer.parseInt(portText);
    int timeout = Integer.parseInt(env.getOrDefault(TIMEOUT_MS, "5000"));
    String ca = env.get(CA_CERT);
    boolean tls = (ca != null && !ca.isBlank()) || "true".equalsIgnoreCase(env.get(TLS));
    String auth = env.get(AUTH);
    boolean withAuth = auth != null && !auth.isEmpty();
    String key = env.getOrDefault(KEY, "runwire:verify:probe");
    String where =
        host + ":" + port + " (" + (tls ? "TLS" : "plain") + ", " + (withAuth ? "AUTH" : "no AUTH");
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeout)
            .socketTimeoutMillis(timeout)
            .clientName("runwire-probe");
    if (withAuth) {
      config.password(auth);
    }
    try {
      if (tls) {
        config.ssl(true);
        if (ca != null && !ca.isBlank()) {
          config.sslSocketFactory(trusting(ca));
        }
      }
      try (Jedis jedis = new Jedis(new HostAndPort(host, port), config.build())) {
        String pong = jedis.ping();
        long count = jedis.incr(key);
        out.println(
            "runwire probe: reached "
                + where
                + "): PING "
                + pong
                + ", INCR "
                + key
                + " = "
                + count);
        return ProbeResult.REACHED.exitCode();
      }
    } catch (Exception e) {
      ProbeResult result = classify(e);
      return report(result, where + "): " + describe(e, auth));
    }
  }

  private int report(ProbeResult result, String detail) {
    out.println("runwire probe: " + result.name() + " (exit " + result.exitCode() + "): " + detail);
    out.println("runwire probe: " + result.meaning());
    return result.exitCode();
  }

  /** The most telling cause in the chain (and its suppressed exceptions) decides. */
  static ProbeResult classify(Throwable e) {
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = e; t != null && chain.size() < 20; t = t.getCause()) {
      chain.add(t);
      // Jedis keeps the per-address connect failures as suppressed exceptions.
      chain.addAll(java.util.List.of(t.getSuppressed()));
    }
    for (Throwable t : chain) {
      if (t instanceof JedisAccessControlException) {
        return ProbeResult.AUTH;
      }
      if (t instanceof JedisDataException d) {
        String m = String.valueOf(d.getMessage());
        return m.startsWith("WRONGPASS")
                || m.startsWith("NOAUTH")
                || m.contains("invalid password")
                || m.contains("without any password configured")
            ? ProbeResult.AUTH
            : ProbeResult.OTHER;
      }
      if (t instanceof SSLException) {
        return ProbeResult.TLS;
      }
      if (t instanceof SocketTimeoutException) {
        return ProbeResult.CONNECT_TIMEOUT;
      }
      if (t instanceof ConnectException
          || t instanceof SocketException
          || t instanceof EOFException) {
        return ProbeResult.REFUSED;
      }
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("Unexpected end of stream") || m.startsWith("Failed to connect to")) {
      return ProbeResult.REFUSED;
    }
    if (m.contains("timed out")) {
      return ProbeResult.CONNECT_TIMEOUT;
    }
    return ProbeResult.OTHER;
  }

  /** The error chain's messages, with the AUTH string blanked should a client ever echo it. */
  private static String describe(Throwable e, String auth) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    String s = text.toString();
    return auth == null || auth.isEmpty() ? s : s.replace(auth, "(redacted)");
  }

  private static SSLSocketFactory trusting(String pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (Certificate cert :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("redis-ca-" + i++, cert);
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls.getSocketFactory();
  }
}
