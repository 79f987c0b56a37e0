package dev.runwire.emulator.network;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A Cloud Run workload that uses Redis the way the sample service does: with {@code PORT} set it is
 * a service whose {@code /redis} counts visits (503 when Redis is not reachable); without, a job
 * task that counts once and exits 0, or exits 1 saying what failed. Reads {@code REDIS_HOST},
 * {@code REDIS_PORT}, {@code REDIS_AUTH} and {@code REDIS_CA} (the PEM CA for TLS).
 */
public final class RedisClientWorkload {

  private RedisClientWorkload() {}

  public static void main(String[] args) throws Exception {
    String port = System.getenv("PORT");
    if (port == null) {
      try {
        System.out.println("counter " + count());
        System.exit(0);
      } catch (Exception e) {
        System.out.println("redis failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        System.exit(1);
      }
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 0);
    server.createContext(
        "/redis",
        exchange -> {
          int status;
          String body;
          try {
            body = "Visitor number: " + count();
            status = 200;
          } catch (Exception e) {
            body = "Redis is not reachable: " + e.getClass().getSimpleName();
            status = 503;
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  static long count() throws Exception {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(2000);
    String auth = System.getenv("REDIS_AUTH");
    if (auth != null && !auth.isEmpty()) {
      config.password(auth);
    }
    String ca = System.getenv("REDIS_CA");
    if (ca != null && !ca.isEmpty()) {
      config.ssl(true).sslSocketFactory(trusting(ca).getSocketFactory());
      // Memorystore's server certificate names the instance's address, not 127.0.0.1; Google's
      // guide has clients trust the CA and not check the host name. Jedis checks no host name.
      config.sslParameters(new SSLParameters());
    }
    try (Jedis jedis =
        new Jedis(
            new HostAndPort(
                System.getenv("REDIS_HOST"), Integer.parseInt(System.getenv("REDIS_PORT"))),
            config.build())) {
      return jedis.incr("visits");
    }
  }

  static SSLContext trusting(String pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (var cert :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      store.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
