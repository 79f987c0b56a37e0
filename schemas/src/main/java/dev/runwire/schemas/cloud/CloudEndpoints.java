package dev.runwire.schemas.cloud;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ClientSettings;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one place that decides which endpoint each Google API client talks to. By default every
 * client uses googleapis.com with application default credentials; {@code RUNWIRE_LOCAL_CLOUD}
 * (e.g. {@code http://127.0.0.1:8090}) points every control-plane API at the local cloud, and
 * {@code RUNWIRE_<API>_ENDPOINT} overrides one API. Pub/Sub follows {@code PUBSUB_EMULATOR_HOST}
 * (host:port), the variable Google's emulator tooling uses.
 */
public final class CloudEndpoints {

  public static final String LOCAL_CLOUD_ENV = "RUNWIRE_LOCAL_CLOUD";
  public static final String PUBSUB_EMULATOR_ENV = "PUBSUB_EMULATOR_HOST";

  /** The control-plane APIs runwire calls over REST. */
  public enum Api {
    COMPUTE,
    REDIS,
    VPCACCESS,
    RUN,
    SECRETMANAGER;

    /** {@code RUNWIRE_COMPUTE_ENDPOINT} and so on. */
    public String envName() {
      return "RUNWIRE_" + name() + "_ENDPOINT";
    }
  }

  private final Map<Api, String> overrides;
  private final String pubsubEmulatorHost;

  private CloudEndpoints(Map<Api, String> overrides, String pubsubEmulatorHost) {
    this.overrides = overrides;
    this.pubsubEmulatorHost = pubsubEmulatorHost;
  }

  /** Google Cloud itself: no overrides. */
  public static CloudEndpoints google() {
    return new CloudEndpoints(new EnumMap<>(Api.class), null);
  }

  /** Every control-plane API at {@code baseUrl}, Pub/Sub at {@code pubsubHost} (may be null). */
  public static CloudEndpoints local(String baseUrl, String pubsubHost) {
    Map<Api, String> all = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      all.put(api, baseUrl);
    }
    return new CloudEndpoints(all, blankToNull(pubsubHost));
  }

  public static CloudEndpoints fromEnv(Map<String, String> env) {
    Map<Api, String> overrides = new EnumMap<>(Api.class);
    String local = blankToNull(env.get(LOCAL_CLOUD_ENV));
    for (Api api : Api.values()) {
      String own = blankToNull(env.get(api.envName()));
      if (own != null) {
        overrides.put(api, own);
      } else if (local != null) {
        overrides.put(api, local);
      }
    }
    return new CloudEndpoints(overrides, blankToNull(env.get(PUBSUB_EMULATOR_ENV)));
  }

  /** The endpoint override for {@code api}, or {@code null} for the client's default. */
  public String endpoint(Api api) {
    return overrides.get(api);
  }

  public boolean isLocal(Api api) {
    return overrides.containsKey(api);
  }

  /** host:port of the Pub/Sub emulator, or {@code null} for the real service. */
  public String pubsubEmulatorHost() {
    return pubsubEmulatorHost;
  }

  /**
   * Points a client's settings builder at the chosen endpoint. Local endpoints get {@link
   * NoCredentialsProvider}, so a client never looks for credentials or a metadata server.
   */
  public <B extends ClientSettings.Builder<?, ?>> B configure(Api api, B builder) {
    String endpoint = overrides.get(api);
    if (endpoint != null) {
      builder.setEndpoint(endpoint);
      builder.setCredentialsProvider(NoCredentialsProvider.create());
    }
    return builder;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
