package dev.runwire.job.steps;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.TlsCertificate;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.Step;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutcome;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.ProvisioningRequest.TransitEncryption;
import dev.runwire.schemas.events.StepEvent.Action;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Proves the wiring the way the sample's {@code /redis} visitor counter does: connects to the
 * instance (AUTH from Secret Manager, TLS with the instance's CA when enabled), PINGs and INCRs a
 * key of its own. Reports the Redis address, the static egress IP and the service URL. Runs in
 * apply only (it writes a key).
 */
final class VerifyStep implements Step {

  /** Redis may accept connections a little after it reports READY. */
  private static final Duration CONNECT_FOR = Duration.ofSeconds(60);

  private final CloudClients clients;
  private final ProvisioningRequest request;

  VerifyStep(ProvisioningRequest request, CloudClients clients) {
    this.clients = clients;
    this.request = request;
  }

  @Override
  public StepKind kind() {
    return StepKind.VERIFY;
  }

  @Override
  public String resource() {
    return Names.full(
        "redis",
        Names.redisInstance(
            request.target().project(), request.target().region(), request.redis().name()));
  }

  @Override
  public StepOutcome execute(StepContext ctx) {
    if (ctx.mode() != Mode.APPLY) {
      return new StepOutcome.Succeeded(
          Action.NONE, List.of(), Map.of(), "verify runs in apply only");
    }
    StepOutputs.RedisEndpoint redis =
        ctx.upstream(StepOutputs.RedisEndpoint.class)
            .orElseThrow(
                () ->
                    new StepFailure(
                        Reasons.VERIFY_FAILED,
                        StepKind.REDIS_INSTANCE.wire() + " gave no Redis endpoint"));
    String host = redis.host();
    int port = redis.port();
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(5_000)
            .socketTimeoutMillis(5_000)
            .clientName("runwire-verify");
    if (request.redis().authEnabled()) {
      config.password(authString(ctx));
    }
    if (request.redis().transitEncryption() == TransitEncryption.SERVER_AUTHENTICATION) {
      config.ssl(true).sslSocketFactory(trusting(instance(ctx).getServerCaCertsList()));
    }
    String key = "runwire:verify:" + request.service().name();
    Instant giveUp = min(ctx.deadline(), Instant.now().plus(CONNECT_FOR));
    String[] lastError = {""};
    Optional<Long> count;
    try {
      count =
          ctx.waits()
              .until(
                  () -> {
                    try (Jedis jedis = new Jedis(new HostAndPort(host, port), config.build())) {
                      jedis.ping();
                      return Optional.of(jedis.incr(key));
                    } catch (RuntimeException e) {
                      lastError[0] = e.getMessage();
                      return Optional.<Long>empty();
                    }
                  },
                  Optional::isPresent,
                  giveUp,
                  "Redis at " + host + ":" + port);
    } catch (StepFailure timedOut) {
      throw new StepFailure(
          Reasons.VERIFY_FAILED,
          "cannot reach Redis at " + host + ":" + port + " from the job: " + lastError[0]);
    }
    StepOutputs.VerifiedPath verified =
        new StepOutputs.VerifiedPath(
            redis,
            ctx.upstream(StepOutputs.EgressIp.class).orElse(null),
            ctx.upstream(StepOutputs.ServiceUrl.class).orElse(null));
    ctx.provide(verified);
    return new StepOutcome.Succeeded(
        Action.NONE,
        List.of(),
        verified.fields(),
        "PING ok, INCR "
            + key
            + " = "
            + count.get()
            + " ("
            + (request.redis().authEnabled() ? "AUTH" : "no AUTH")
            + ")");
  }

  /** The AUTH string as the service gets it (Secret Manager), else from the instance. */
  private String authString(StepContext ctx) {
    String latest =
        Names.secret(request.target().project(), request.names().authSecret()) + "/versions/latest";
    try {
      return ctx.call(() -> clients.secrets().accessSecretVersion(latest).getPayload().getData())
          .toString(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
      return ctx.call(() -> clients.redis().getInstanceAuthString(instanceName()).getAuthString());
    }
  }

  private Instance instance(StepContext ctx) {
    return ctx.call(() -> clients.redis().getInstance(instanceName()));
  }

  private String instanceName() {
    return Names.redisInstance(
        request.target().project(), request.target().region(), request.redis().name());
  }

  private static SSLSocketFactory trusting(List<TlsCertificate> caCerts) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      int i = 0;
      for (TlsCertificate ca : caCerts) {
        for (Certificate cert :
            factory.generateCertificates(
                new ByteArrayInputStream(ca.getCert().getBytes(StandardCharsets.US_ASCII)))) {
          store.setCertificateEntry("redis-ca-" + i++, cert);
        }
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls.getSocketFactory();
    } catch (Exception e) {
      throw new StepFailure(
          Reasons.VERIFY_FAILED, "cannot use the instance's server CA: " + e.getMessage(), e);
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
