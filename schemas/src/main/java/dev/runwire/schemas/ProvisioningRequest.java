package dev.runwire.schemas;

import com.google.gson.annotations.SerializedName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request to wire one Cloud Run service to a Memorystore for Redis instance (schema {@code
 * provisioning-request.schema.json}). Optional parts are {@code null} when absent; defaults are
 * filled in by the compact constructors so that a request read back from its own JSON is equal.
 *
 * <p>A {@code drift-check} request may carry a {@link Scope} instead of a spec: the job then checks
 * every service it manages in that project and those regions.
 */
public record ProvisioningRequest(
    String apiVersion,
    String requestId,
    Mode mode,
    Target target,
    Service service,
    Redis redis,
    Egress egress,
    StaticEgressIp staticEgressIp,
    Boolean allowDataLoss,
    Scope scope,
    List<AdoptKind> adopt,
    Boolean verify) {

  public static final String API_VERSION = "runwire.dev/v1";

  public ProvisioningRequest {
    apiVersion = apiVersion == null ? API_VERSION : apiVersion;
    mode = mode == null ? Mode.APPLY : mode;
    allowDataLoss = allowDataLoss != null && allowDataLoss;
    // Absent stays absent (null), so a request written back holds exactly what was sent.
    adopt = adopt == null ? null : Collections.unmodifiableList(new ArrayList<>(adopt));
  }

  /** A request without {@code verify} (apply verifies anyway; drift-check does not). */
  public ProvisioningRequest(
      String apiVersion,
      String requestId,
      Mode mode,
      Target target,
      Service service,
      Redis redis,
      Egress egress,
      StaticEgressIp staticEgressIp,
      Boolean allowDataLoss,
      Scope scope,
      List<AdoptKind> adopt) {
    this(
        apiVersion,
        requestId,
        mode,
        target,
        service,
        redis,
        egress,
        staticEgressIp,
        allowDataLoss,
        scope,
        adopt,
        null);
  }

  /**
   * Whether this run proves the path with the probe job: always in apply; in drift-check only when
   * the request asks ({@code verify: true}), because it costs a job execution; never in plan or
   * destroy.
   */
  public boolean runsProbe() {
    return mode == Mode.APPLY || (mode == Mode.DRIFT_CHECK && Boolean.TRUE.equals(verify));
  }

  /** A request that adopts nothing. */
  public ProvisioningRequest(
      String apiVersion,
      String requestId,
      Mode mode,
      Target target,
      Service service,
      Redis redis,
      Egress egress,
      StaticEgressIp staticEgressIp,
      Boolean allowDataLoss,
      Scope scope) {
    this(
        apiVersion,
        requestId,
        mode,
        target,
        service,
        redis,
        egress,
        staticEgressIp,
        allowDataLoss,
        scope,
        null);
  }

  /**
   * The kinds of existing resources this request takes over ({@code adopt}); empty when none. Only
   * a deployment policy with adoption allowed lets such a request run.
   */
  public List<AdoptKind> adoptedKinds() {
    return adopt == null ? List.of() : adopt;
  }

  /** True when this is a scoped drift check: no spec, a project and regions to sweep. */
  public boolean isScoped() {
    return scope != null && target == null;
  }

  /** True when static egress IP is requested. */
  public boolean wantsStaticEgressIp() {
    return staticEgressIp != null && staticEgressIp.enabled();
  }

  /** The names of the resources runwire derives when the request does not name them. */
  public ResourceNames names() {
    return ResourceNames.of(this);
  }

  /** The same request in another mode (how a person turns an apply into a plan). */
  public ProvisioningRequest withMode(Mode newMode) {
    return new ProvisioningRequest(
        apiVersion,
        requestId,
        newMode,
        target,
        service,
        redis,
        egress,
        staticEgressIp,
        allowDataLoss,
        scope,
        adopt,
        verify);
  }

  public enum Mode {
    @SerializedName("apply")
    APPLY("apply"),
    @SerializedName("plan")
    PLAN("plan"),
    @SerializedName("drift-check")
    DRIFT_CHECK("drift-check"),
    @SerializedName("destroy")
    DESTROY("destroy");

    private final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    /** The name used in JSON and on the command line. */
    public String wire() {
      return wire;
    }

    /** Modes that never call a mutating API method. */
    public boolean isReadOnly() {
      return this == PLAN || this == DRIFT_CHECK;
    }

    public static Mode fromWire(String value) {
      for (Mode m : values()) {
        if (m.wire.equals(value)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown mode '" + value + "': use apply, plan, drift-check or destroy");
    }
  }

  /** A kind of existing resource a request may take over (its {@code adopt} list). */
  public enum AdoptKind {
    @SerializedName("redis-instance")
    REDIS_INSTANCE("redis-instance"),
    @SerializedName("egress-subnet")
    EGRESS_SUBNET("egress-subnet"),
    @SerializedName("vpc-connector")
    VPC_CONNECTOR("vpc-connector"),
    @SerializedName("cloud-router")
    CLOUD_ROUTER("cloud-router"),
    @SerializedName("cloud-nat")
    CLOUD_NAT("cloud-nat"),
    @SerializedName("static-address")
    STATIC_ADDRESS("static-address"),
    @SerializedName("cloud-run-service")
    CLOUD_RUN_SERVICE("cloud-run-service");

    private final String wire;

    AdoptKind(String wire) {
      this.wire = wire;
    }

    /** The name used in JSON (the step's name in events). */
    public String wire() {
      return wire;
    }
  }

  /** Where the resources live. */
  public record Target(String project, String region, String network) {
    public Target {
      network = network == null ? "default" : network;
    }
  }

  /** The Cloud Run service to wire. {@code image == null} keeps the deployed image. */
  public record Service(
      String name, String image, Ingress ingress, Boolean allowUnauthenticated, EnvNames envNames) {
    public Service {
      envNames = envNames == null ? EnvNames.DEFAULT : envNames;
    }
  }

  /** Ingress settings, named as gcloud names them. {@code null} on the service leaves it as is. */
  public enum Ingress {
    @SerializedName("all")
    ALL,
    @SerializedName("internal")
    INTERNAL,
    @SerializedName("internal-and-cloud-load-balancing")
    INTERNAL_AND_CLOUD_LOAD_BALANCING,
    @SerializedName("none")
    NONE
  }

  /** Names of the env vars the service reads the Redis location (and AUTH secret) from. */
  public record EnvNames(String host, String port, String auth) {
    public static final EnvNames DEFAULT = new EnvNames(null, null, null);

    public EnvNames {
      host = host == null ? "REDIS_HOST" : host;
      port = port == null ? "REDIS_PORT" : port;
      auth = auth == null ? "REDIS_AUTH" : auth;
    }
  }

  /** The Memorystore for Redis instance, in {@code target.region}. */
  public record Redis(
      String name,
      RedisTier tier,
      Integer memorySizeGb,
      String version,
      ConnectMode connectMode,
      Boolean authEnabled,
      TransitEncryption transitEncryption,
      String reservedIpRange) {
    public Redis {
      tier = tier == null ? RedisTier.BASIC : tier;
      memorySizeGb = memorySizeGb == null ? 1 : memorySizeGb;
      version = version == null ? "REDIS_7_2" : version;
      connectMode = connectMode == null ? ConnectMode.DIRECT_PEERING : connectMode;
      authEnabled = authEnabled != null && authEnabled;
      transitEncryption =
          transitEncryption == null ? TransitEncryption.DISABLED : transitEncryption;
    }

    /** The port clients connect to: 6378 with TLS, else 6379. */
    public int expectedPort() {
      return transitEncryption == TransitEncryption.SERVER_AUTHENTICATION ? 6378 : 6379;
    }
  }

  public enum RedisTier {
    BASIC,
    STANDARD_HA
  }

  public enum ConnectMode {
    DIRECT_PEERING,
    PRIVATE_SERVICE_ACCESS
  }

  public enum TransitEncryption {
    DISABLED,
    SERVER_AUTHENTICATION
  }

  /** How the service reaches the VPC: Direct VPC egress on a subnet, or a VPC Access connector. */
  public record Egress(
      EgressMode mode, Subnet subnet, Connector connector, Route route, String firewallName) {
    public Egress {
      route = route == null ? Route.PRIVATE_RANGES_ONLY : route;
    }

    /**
     * The subnet runwire creates for egress: the Direct VPC subnet, or the connector's explicit /28
     * subnet; {@code null} for a connector with a bare {@code range}.
     */
    public Subnet egressSubnet() {
      if (mode == EgressMode.DIRECT_VPC) {
        return subnet;
      }
      return connector == null ? null : connector.subnet();
    }

    /** The CIDR traffic from the service leaves from (for the firewall rule). */
    public String sourceRange() {
      Subnet s = egressSubnet();
      if (s != null) {
        return s.range();
      }
      return connector == null ? null : connector.range();
    }
  }

  public enum EgressMode {
    @SerializedName("direct-vpc")
    DIRECT_VPC,
    @SerializedName("connector")
    CONNECTOR
  }

  public enum Route {
    @SerializedName("private-ranges-only")
    PRIVATE_RANGES_ONLY,
    @SerializedName("all-traffic")
    ALL_TRAFFIC
  }

  /** A subnet runwire owns: name and IPv4 CIDR. */
  public record Subnet(String name, String range) {}

  /**
   * A Serverless VPC Access connector: either a bare /28 {@code range} or an explicit /28 {@code
   * subnet} (needed for static egress IP: a range connector's hidden subnet cannot be NAT-ed).
   */
  public record Connector(
      String name,
      String range,
      Subnet subnet,
      Integer minInstances,
      Integer maxInstances,
      String machineType) {
    public Connector {
      minInstances = minInstances == null ? 2 : minInstances;
      maxInstances = maxInstances == null ? 3 : maxInstances;
      machineType = machineType == null ? "e2-micro" : machineType;
    }
  }

  /** A fixed public egress IP: reserved address + Cloud Router + Cloud NAT on the egress subnet. */
  public record StaticEgressIp(
      boolean enabled, String addressName, String routerName, String natName) {}

  /** What a scoped drift check sweeps. */
  public record Scope(String project, List<String> regions) {
    public Scope {
      regions = regions == null ? List.of() : List.copyOf(regions);
    }
  }
}
