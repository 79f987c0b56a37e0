package dev.runwire.examples.visitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * The sample Cloud Run service runwire wires up: {@code /} says hello, {@code /redis} counts visits
 * in the Redis named by {@code REDIS_HOST}/{@code REDIS_PORT} (with {@code REDIS_AUTH} when the
 * instance has AUTH on, over TLS trusting {@code REDIS_CA_CERT} when the instance has in-transit
 * encryption on) and answers "Visitor number: N". It is the Java twin of the classic Flask sample
 * from the Memorystore guide, so a working answer proves the wiring end to end.
 */
public final class VisitorCounter implements AutoCloseable {

  static final String COUNTER_KEY = "visitor-counter:visits";

  private final HttpServer server;
  private final RedisLocation redis;
  private final JedisPooled jedis;

  VisitorCounter(int port, RedisLocation redis) throws IOException {
    this.redis = redis;
    this.jedis = redis == null ? null : redis.connect();
    this.server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> env = System.getenv();
    int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
    RedisLocation redis = RedisLocation.fromEnv(env);
    new VisitorCounter(port, redis);
    System.out.println(
        "visitor-counter listening on :"
            + port
            + (redis == null ? " (REDIS_HOST not set yet)" : " with Redis at " + redis.address()));
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try {
      switch (path) {
        case "/" -> reply(exchange, 200, "Hello from visitor-counter. Try /redis.");
        case "/redis" -> countVisit(exchange);
        default -> reply(exchange, 404, "Not found: " + path);
      }
    } catch (RuntimeException e) {
      // Never echo the exception text: with AUTH on it could carry connection details.
      reply(exchange, 503, "Redis is not reachable: " + e.getClass().getSimpleName());
    }
  }

  private void countVisit(HttpExchange exchange) throws IOException {
    if (jedis == null) {
      reply(
          exchange,
          503,
          "REDIS_HOST is not set: wire this service to Redis with runwire first (mode apply).");
      return;
    }
    long visits = jedis.incr(COUNTER_KEY);
    reply(exchange, 200, "Visitor number: " + visits);
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    if (jedis != null) {
      jedis.close();
    }
  }

  /** Where Redis is, from the env runwire sets on the service. */
  record RedisLocation(String host, int port, String authString, String caPem) {

    RedisLocation(String host, int port, String authString) {
      this(host, port, authString, null);
    }

    static RedisLocation fromEnv(Map<String, String> env) {
      String host = env.get("REDIS_HOST");
      if (host == null || host.isBlank()) {
        return null;
      }
      int port = Integer.parseInt(env.getOrDefault("REDIS_PORT", "6379"));
      String auth = env.get("REDIS_AUTH");
      String ca = env.get("REDIS_CA_CERT");
      return new RedisLocation(
          host,
          port,
          auth == null || auth.isBlank() ? null : auth,
          ca == null || ca.isBlank() ? null : ca);
    }

    /** Never the AUTH string or the CA: this may be logged. */
    @Override
    public String toString() {
      return address();
    }

    String address() {
      return host
          + ":"
          + port
          + (authString == null ? "" : " (AUTH on)")
          + (caPem == null ? "" : " (TLS)");
    }

    JedisPooled connect() {
      DefaultJedisClientConfig.Builder config =
          DefaultJedisClientConfig.builder()
              .password(authString)
              .connectionTimeoutMillis(2000)
              .socketTimeoutMillis(2000);
      if (caPem != null) {
        config.ssl(true).sslSocketFactory(trusting(caPem));
      }
      return new JedisPooled(new HostAndPort(host, port), config.build());
    }

    /** TLS that trusts the instance's server CA (Memorystore's {@code serverCaCerts}) only. */
    private static SSLSocketFactory trusting(String pem) {
      try {
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
      } catch (Exception e) {
        throw new IllegalArgumentException("REDIS_CA_CERT is not a PEM certificate", e);
      }
    }
  }
}
