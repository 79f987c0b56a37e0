package dev.runwire.emulator.redis;

import com.google.cloud.redis.v1.Instance;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.network.Reachability;
import java.io.IOException;

/**
 * Opens an instance's front: the port its {@code port} field names, which relays to the instance's
 * current redis-server and asks {@link Reachability} about each connection. The Google-side view of
 * the instance (network, connect mode, address in the reserved range, 6379 or 6378 with TLS) is
 * read at each connection, so an in-place change is seen at once.
 */
final class InstanceFronts {

  /** Memorystore's ports: 6379, and 6378 when transit encryption is on. */
  static final int PORT = 6379;

  static final int TLS_PORT = 6378;

  private InstanceFronts() {}

  static InstanceFront open(
      CloudCore core, Reachability reachability, RedisSurface.Stored s, int preferredPort)
      throws IOException {
    return new InstanceFront(
        preferredPort,
        () ->
            core.locked(
                () -> {
                  RedisServers.RedisServer server = s.server;
                  if (server == null) {
                    return 0;
                  }
                  return s.tls != null ? s.tls.port : server.port();
                }),
        () -> core.locked(() -> target(s.instance.build())),
        reachability);
  }

  /** The instance as the network sees it. */
  static Reachability.Target target(Instance in) {
    boolean tls =
        in.getTransitEncryptionMode() == Instance.TransitEncryptionMode.SERVER_AUTHENTICATION;
    return new Reachability.Target(
        in.getName(),
        in.getAuthorizedNetwork(),
        in.getConnectMode() == Instance.ConnectMode.PRIVATE_SERVICE_ACCESS,
        Reachability.addressIn(in.getReservedIpRange()),
        tls ? TLS_PORT : PORT);
  }

  static void close(InstanceFront front) {
    if (front != null) {
      front.close();
    }
  }
}
