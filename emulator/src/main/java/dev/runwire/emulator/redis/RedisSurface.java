package dev.runwire.emulator.redis;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.InstanceAuthString;
import com.google.cloud.redis.v1.ListInstancesResponse;
import com.google.cloud.redis.v1.NodeInfo;
import com.google.cloud.redis.v1.OperationMetadata;
import com.google.cloud.redis.v1.UpgradeInstanceRequest;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.LongRunningCollection;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RangeReservations;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.RunningOperation;
import dev.runwire.emulator.network.Reachability;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Memorystore for Redis v1: instances create / get / list / patch / delete / getAuthString, each
 * instance backed by a real redis-server on 127.0.0.1 that starts when the create operation is done
 * and stops on delete, reset and close.
 */
public final class RedisSurface implements ApiSurface {

  public static final LatencyKey CREATE = LatencyKey.of("redis.create", Duration.ofMinutes(5));
  public static final LatencyKey UPDATE = LatencyKey.of("redis.update", Duration.ofSeconds(90));
  public static final LatencyKey DELETE = LatencyKey.of("redis.delete", Duration.ofMinutes(2));

  private static final Logger LOG = Logger.getLogger(RedisSurface.class.getName());
  private static final LongRunningCollection.Shape INSTANCES =
      new LongRunningCollection.Shape(
          "v1",
          "instances",
          "instanceId",
          Pattern.compile("^[a-z][a-z0-9-]{0,38}[a-z0-9]$"),
          "2-40 characters of lowercase letters, digits and hyphens, start with a letter and not"
              + " end with a hyphen",
          1000,
          true);
  private static final Pattern NETWORK =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?projects/([^/]+)/global/networks/([^/]+)$");
  private static final Set<String> VERSIONS =
      Set.of("REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2");
  private static final String DEFAULT_VERSION = "REDIS_7_2";
  private static final Set<String> CREATE_ONLY =
      Set.of(
          "tier",
          "connect_mode",
          "authorized_network",
          "reserved_ip_range",
          "transit_encryption_mode",
          "location_id",
          "alternative_location_id",
          "redis_version");
  private static final Set<String> CONFIGS =
      Set.of(
          "maxmemory-policy",
          "notify-keyspace-events",
          "activedefrag",
          "lfu-decay-time",
          "lfu-log-factor",
          "maxmemory-gb",
          "stream-node-max-bytes",
          "stream-node-max-entries");
  private static final Map<String, String> UPDATABLE = new LinkedHashMap<>();
  private static final String RESERVED_RANGE_SPACE = "10.0.0.0/9";
  private static final long GIB = 1L << 30;

  static {
    UPDATABLE.put("display_name", "displayName");
    UPDATABLE.put("labels", "labels");
    UPDATABLE.put("memory_size_gb", "memorySizeGb");
    UPDATABLE.put("redis_configs", "redisConfigs");
    UPDATABLE.put("redis_config", "redisConfigs");
    UPDATABLE.put("replica_count", "replicaCount");
    // AUTH turns on or off in place (Terraform's Instance.yaml updates auth_enabled; GCP-FACTS).
    UPDATABLE.put("auth_enabled", "authEnabled");
  }

  /** Versions in upgrade order: :upgrade goes to a later one only. */
  private static final List<String> VERSION_ORDER =
      List.of("REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2");

  /** One instance: the API resource, its AUTH string and the server behind it. */
  static final class Stored {
    Instance.Builder instance;
    String authString;
    RedisServers.RedisServer server;

    InstanceFront front;
    InstanceTls tls;

    Stored(Instance.Builder instance, String authString) {
      this.instance = instance;
      this.authString = authString;
    }
  }

  private final CloudCore core;
  private final Networks networks;
  private final RedisServers servers;
  private final Reachability reachability;
  private final LongRunningCollection<Stored, Instance> instances;

  public RedisSurface(CloudCore core, Networks networks) {
    this(core, networks, Connectors.NONE);
  }

  /** With the connectors Cloud Run workloads may reach an instance through. */
  public RedisSurface(CloudCore core, Networks networks, Connectors connectors) {
    this.core = core;
    this.reachability = new Reachability(core, networks, connectors);
    this.networks = networks;
    this.servers = new RedisServers(core.processes(), core.workDir().resolve("redis"));
    this.instances =
        new LongRunningCollection<>(
            core,
            api(),
            INSTANCES,
            s -> s.instance.build(),
            (page, next) ->
                ListInstancesResponse.newBuilder().addAllInstances(page).setNextPageToken(next));
    core.json().registerAnyTypes(Instance.getDescriptor(), OperationMetadata.getDescriptor());
  }

  @Override
  public String api() {
    return "redis";
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return List.of(CREATE, UPDATE, DELETE, Reachability.BLOCKED_HOLD);
  }

  /** Which redis-server serves instances, for the start-up banner. */
  public String serverDescription() {
    return servers.describe();
  }

  public Optional<Path> serverBinary() {
    return servers.binary();
  }

  @Override
  public void registerRoutes(Routes routes) {
    instances.registerRoutes(routes, this::create, this::delete);
    String instance = instances.resourcePath();
    routes
        .patch(instance, this::patch)
        .get(instance + "/authString", this::authString)
        .post(instance + ":upgrade", this::upgrade);
  }

  private Reply create(ApiRequest request) {
    String project = request.var("project");
    String location = request.var("location");
    String name = instances.newName(request);
    if (servers.binary().isEmpty()) {
      throw ApiException.failedPrecondition(servers.missingMessage());
    }
    Instance.Builder in = request.body(Instance.newBuilder(), "instance");
    Instance.Builder stored = validateNew(in, project, location);
    stored
        .setName(name)
        .setState(Instance.State.CREATING)
        .setCreateTime(core.now())
        .clearHost()
        .clearPort()
        .clearCurrentLocationId()
        .clearNodes()
        .clearStatusMessage();
    String[] net = networkOf(stored.getAuthorizedNetwork());
    if (stored.getConnectMode() == Instance.ConnectMode.DIRECT_PEERING) {
      stored.setReservedIpRange(reserveRange(stored, net[0], net[1], name));
    } else {
      stored.setReservedIpRange(reservePsaRange(stored, net[0], net[1], name));
    }
    Stored s = new Stored(stored, stored.getAuthEnabled() ? core.ids().secret() : null);
    instances.put(name, s);
    RunningOperation op = instances.startOperation(name, metadata(name, "create"));
    core.transitions().after(core.duration(CREATE), () -> finishCreate(name, s, op));
    return op.reply();
  }

  /** The instance's redis-server, configured as the instance says. */
  private RedisServers.RedisServer startServer(
      Stored s, Instance instance, String auth, int preferredPort) throws IOException {
    String id = instance.getName().substring(instance.getName().lastIndexOf('/') + 1);
    InstanceTls tls = InstanceTls.prepare(instance, core.workDir().resolve("redis"));
    core.locked(() -> s.tls = tls);
    RedisServers.RedisServer server =
        servers.start(
            id, auth, instance.getMemorySizeGb() * GIB, preferredPort, InstanceTls.conf(tls));
    servers.configSet(server, liveConfigs(instance.getRedisConfigsMap()));
    return server;
  }

  private void finishCreate(String name, Stored s, RunningOperation op) {
    Optional<String> fault = core.faults().operationFailure(name);
    RedisServers.RedisServer server = null;
    String failure = fault.orElse(null);
    if (failure == null) {
      try {
        server = startServer(s, core.locked(() -> s.instance.build()), s.authString, 0);
      } catch (IOException e) {
        failure = "redis-server could not be started: " + e.getMessage();
      }
    }
    InstanceFront front = null;
    if (server != null) {
      try {
        front = InstanceFronts.open(core, reachability, s, 0);
      } catch (IOException e) {
        failure = "the instance's port could not be opened: " + e.getMessage();
      }
    }
    RedisServers.RedisServer started = server;
    InstanceFront opened = front;
    String failed = failure;
    boolean keep =
        core.locked(
            () -> {
              if (!instances.isCurrent(name, s)
                  || s.instance.getState() != Instance.State.CREATING) {
                return false;
              }
              if (failed != null) {
                instances.remove(name);
                networks.release(name);
                op.fail(ApiException.internal(failed));
                return false;
              }
              s.server = started;
              s.front = opened;
              s.instance
                  .setState(Instance.State.READY)
                  .setHost("127.0.0.1")
                  .setPort(opened.port())
                  .setCurrentLocationId(s.instance.getLocationId())
                  .setPersistenceIamIdentity(
                      "serviceAccount:service-local@cloud-redis.iam.gserviceaccount.com");
              InstanceTls.describe(s.tls, s.instance);
              s.instance.clearNodes().addNodes(node(0, s.instance.getLocationId()));
              if (s.instance.getTier() == Instance.Tier.STANDARD_HA) {
                s.instance.addNodes(node(1, s.instance.getAlternativeLocationId()));
              }
              if (s.instance.getReadReplicasMode()
                  == Instance.ReadReplicasMode.READ_REPLICAS_ENABLED) {
                s.instance.setReadEndpoint("127.0.0.1").setReadEndpointPort(opened.port());
              }
              op.succeed(s.instance.build());
              return true;
            });
    if (!keep) {
      InstanceFronts.close(opened);
      servers.stop(started);
    }
  }

  private Reply patch(ApiRequest request) {
    String name = instances.nameOf(request);
    Stored s = instances.require(name);
    Instance in = request.body(Instance.newBuilder(), "instance").build();
    if (!in.getName().isEmpty() && !in.getName().equals(name)) {
      throw ApiException.invalidArgument(
          "instance.name", "'" + in.getName() + "' does not match the path's " + name);
    }
    List<String> mask = request.queryList("updateMask");
    if (mask.isEmpty()) {
      throw ApiException.invalidArgument(
          "updateMask",
          "required: name the fields to change, e.g. ?updateMask=memorySizeGb,labels; updatable"
              + " fields are displayName, labels, memorySizeGb, redisConfigs, replicaCount");
    }
    requireReady(s, name);
    Instance.Builder next = s.instance.clone();
    for (int i = 0; i < mask.size(); i++) {
      String path = mask.get(i);
      String field = UPDATABLE.get(snake(path));
      if (field == null) {
        // Memorystore's words for a field it cannot update (googleapis/google-api-go-client#1983):
        // "Invalid option 'redis_config': 'redis_config' cannot be updated on existing
        // instances.", field violation update_mask.paths.N.
        String option = snake(path);
        throw ApiException.badRequest(
            "Invalid option '"
                + option
                + "': '"
                + option
                + "' cannot be updated on existing instances. (update_mask.paths."
                + i
                + ": "
                + (CREATE_ONLY.contains(option) ? "it is set only at create; " : "")
                + "updatable fields are displayName, labels, memorySizeGb, redisConfigs,"
                + " replicaCount, authEnabled; the version changes with :upgrade)");
      }
      switch (field) {
        case "displayName" -> next.setDisplayName(in.getDisplayName());
        case "labels" -> next.clearLabels().putAllLabels(in.getLabelsMap());
        case "memorySizeGb" -> next.setMemorySizeGb(in.getMemorySizeGb());
        case "redisConfigs" -> next.clearRedisConfigs().putAllRedisConfigs(in.getRedisConfigsMap());
        case "authEnabled" -> next.setAuthEnabled(in.getAuthEnabled());
        default -> next.setReplicaCount(in.getReplicaCount());
      }
    }
    validateMemory(next.getMemorySizeGb());
    validateConfigs(next.getRedisConfigsMap());
    validateReplicas(next, false);
    s.instance.setState(Instance.State.UPDATING);
    RunningOperation op = instances.startOperation(name, metadata(name, "update"));
    Instance target = next.build();
    core.transitions().after(core.duration(UPDATE), () -> finishUpdate(name, s, op, target));
    return op.reply();
  }

  /**
   * {@code POST .../instances/{i}:upgrade} {@code {redisVersion}}: in place, data kept, to a later
   * version only (UpgradeInstanceRequest, cloud_redis.proto; Memorystore docs "Upgrade Redis
   * version": downgrades are not supported).
   */
  private Reply upgrade(ApiRequest request) {
    String name = instances.nameOf(request);
    Stored s = instances.require(name);
    UpgradeInstanceRequest in =
        request.body(UpgradeInstanceRequest.newBuilder(), "request").build();
    String wanted = in.getRedisVersion();
    if (wanted.isEmpty()) {
      throw ApiException.invalidArgument("redis_version", "required: e.g. REDIS_7_2");
    }
    if (!VERSION_ORDER.contains(wanted)) {
      throw ApiException.invalidArgument(
          "redis_version", "'" + wanted + "' is not supported; use one of " + VERSION_ORDER);
    }
    requireReady(s, name);
    String current = s.instance.getRedisVersion();
    if (VERSION_ORDER.indexOf(wanted) <= VERSION_ORDER.indexOf(current)) {
      throw ApiException.invalidArgument(
          "redis_version",
          "the instance runs "
              + current
              + "; an upgrade must name a later version (downgrades are not supported; create a"
              + " new instance for an older version)");
    }
    Instance target = s.instance.clone().setRedisVersion(wanted).build();
    s.instance.setState(Instance.State.UPDATING);
    RunningOperation op = instances.startOperation(name, metadata(name, "upgrade"));
    core.transitions().after(core.duration(UPDATE), () -> finishUpdate(name, s, op, target));
    return op.reply();
  }

  private void finishUpdate(String name, Stored s, RunningOperation op, Instance target) {
    RedisServers.RedisServer server = core.locked(() -> s.server);
    Optional<String> fault = core.faults().operationFailure(name);
    boolean authChanges = core.locked(() -> s.instance.getAuthEnabled() != target.getAuthEnabled());
    // AUTH on: a new AUTH string; off: none. The running server takes it with CONFIG SET
    // requirepass, so its data stays.
    String newAuth = target.getAuthEnabled() ? core.locked(() -> core.ids().secret()) : null;
    if (fault.isEmpty() && server != null) {
      Map<String, String> live = liveConfigs(target.getRedisConfigsMap());
      live.putIfAbsent("maxmemory", Long.toString(target.getMemorySizeGb() * GIB));
      if (authChanges) {
        live.put("requirepass", newAuth == null ? "" : newAuth);
      }
      servers.configSet(server, live);
    }
    core.locked(
        () -> {
          if (!instances.isCurrent(name, s) || s.instance.getState() != Instance.State.UPDATING) {
            return;
          }
          if (fault.isPresent()) {
            s.instance.setState(Instance.State.READY);
            op.fail(ApiException.internal(fault.get()));
            return;
          }
          if (authChanges) {
            s.authString = newAuth;
            if (s.server != null) {
              s.server = new RedisServers.RedisServer(s.server.process(), s.server.port(), newAuth);
            }
          }
          s.instance = target.toBuilder().setState(Instance.State.READY);
          op.succeed(target);
        });
  }

  private Reply delete(ApiRequest request) {
    String name = instances.nameOf(request);
    return instances.delete(
        name,
        core.duration(DELETE),
        metadata(name, "delete"),
        new LongRunningCollection.Deletion<>() {
          @Override
          public void begin(Stored s) {
            s.instance.setState(Instance.State.DELETING);
          }

          @Override
          public void kept(Stored s) {
            s.instance.setState(Instance.State.READY);
          }

          @Override
          public void removed(Stored s) {
            networks.release(name);
          }

          @Override
          public void stopped(Stored s) {
            InstanceFronts.close(s.front);
            servers.stop(s.server);
          }
        });
  }

  private Reply authString(ApiRequest request) {
    Stored s = instances.require(instances.nameOf(request));
    InstanceAuthString.Builder out = InstanceAuthString.newBuilder();
    if (s.authString != null) {
      out.setAuthString(s.authString);
    }
    return Reply.of(out);
  }

  /**
   * The fields of a new instance, checked and completed with the API's defaults, in the order
   * Memorystore reports them: tier, memory, version, zones, network, connect mode, transit
   * encryption, read replicas, redis configs.
   */
  private Instance.Builder validateNew(Instance.Builder in, String project, String location) {
    Instance.Builder out = in.clone();
    checkTier(in);
    validateMemory(in.getMemorySizeGb());
    completeVersion(in, out);
    completeZones(in, out, location);
    completeNetwork(in, out, project);
    completeConnectMode(in, out);
    completeTransitEncryption(in, out);
    completeReadReplicasMode(in, out);
    validateReplicas(out, true);
    validateConfigs(in.getRedisConfigsMap());
    return out;
  }

  private static void checkTier(Instance.Builder in) {
    if (in.getTier() == Instance.Tier.TIER_UNSPECIFIED) {
      throw ApiException.invalidArgument("instance.tier", "required: use BASIC or STANDARD_HA");
    }
    if (in.getTier() == Instance.Tier.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          "instance.tier",
          "unknown tier " + in.getTierValue() + "; use BASIC (1) or STANDARD_HA (3)");
    }
  }

  private static void completeVersion(Instance.Builder in, Instance.Builder out) {
    if (in.getRedisVersion().isEmpty()) {
      out.setRedisVersion(DEFAULT_VERSION);
    } else if (!VERSIONS.contains(in.getRedisVersion())) {
      throw ApiException.invalidArgument(
          "instance.redisVersion",
          "'" + in.getRedisVersion() + "' is not supported; use one of " + sorted(VERSIONS));
    }
  }

  /** The zone (default {@code <region>-a}) and, for STANDARD_HA only, a different second zone. */
  private static void completeZones(Instance.Builder in, Instance.Builder out, String location) {
    if (in.getLocationId().isEmpty()) {
      out.setLocationId(location + "-a");
    } else if (!in.getLocationId().startsWith(location + "-")) {
      throw ApiException.invalidArgument(
          "instance.locationId",
          "'"
              + in.getLocationId()
              + "' is not a zone of "
              + location
              + " (e.g. "
              + location
              + "-a)");
    }
    if (in.getTier() == Instance.Tier.STANDARD_HA) {
      if (in.getAlternativeLocationId().isEmpty()) {
        out.setAlternativeLocationId(
            out.getLocationId().endsWith("-b") ? location + "-c" : location + "-b");
      } else if (in.getAlternativeLocationId().equals(out.getLocationId())) {
        throw ApiException.invalidArgument(
            "instance.alternativeLocationId", "must be a different zone from locationId");
      }
    } else if (!in.getAlternativeLocationId().isEmpty()) {
      throw ApiException.invalidArgument(
          "instance.alternativeLocationId", "only STANDARD_HA instances have one; remove it");
    }
  }

  /** An existing network (default: the project's {@code default}), stored in its short form. */
  private void completeNetwork(Instance.Builder in, Instance.Builder out, String project) {
    String network =
        in.getAuthorizedNetwork().isEmpty()
            ? "projects/" + project + "/global/networks/default"
            : in.getAuthorizedNetwork();
    var m = NETWORK.matcher(network);
    if (!m.matches()) {
      throw ApiException.invalidArgument(
          "instance.authorizedNetwork",
          "'"
              + network
              + "' is not a network name; use projects/"
              + project
              + "/global/networks/NETWORK");
    }
    if (!networks.networkExists(m.group(1), m.group(2))) {
      throw ApiException.invalidArgument(
          "instance.authorizedNetwork",
          "network 'projects/"
              + m.group(1)
              + "/global/networks/"
              + m.group(2)
              + "' does not exist; create it first or use the default network");
    }
    out.setAuthorizedNetwork("projects/" + m.group(1) + "/global/networks/" + m.group(2));
  }

  private static void completeConnectMode(Instance.Builder in, Instance.Builder out) {
    switch (in.getConnectMode()) {
      case CONNECT_MODE_UNSPECIFIED -> out.setConnectMode(Instance.ConnectMode.DIRECT_PEERING);
      case DIRECT_PEERING, PRIVATE_SERVICE_ACCESS -> {}
      default ->
          throw ApiException.invalidArgument(
              "instance.connectMode", "use DIRECT_PEERING (1) or PRIVATE_SERVICE_ACCESS (2)");
    }
  }

  private static void completeTransitEncryption(Instance.Builder in, Instance.Builder out) {
    switch (in.getTransitEncryptionMode()) {
      case TRANSIT_ENCRYPTION_MODE_UNSPECIFIED, DISABLED ->
          out.setTransitEncryptionMode(Instance.TransitEncryptionMode.DISABLED);
      case SERVER_AUTHENTICATION -> {
        // Served: redis-server's TLS port behind the instance's port, CA in serverCaCerts.
      }
      default ->
          throw ApiException.invalidArgument(
              "instance.transitEncryptionMode", "use SERVER_AUTHENTICATION (1) or DISABLED (2)");
    }
  }

  private static void completeReadReplicasMode(Instance.Builder in, Instance.Builder out) {
    if (in.getReadReplicasMode() == Instance.ReadReplicasMode.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          "instance.readReplicasMode", "use READ_REPLICAS_DISABLED or READ_REPLICAS_ENABLED");
    }
    if (in.getTier() == Instance.Tier.STANDARD_HA
        && in.getReadReplicasMode() == Instance.ReadReplicasMode.READ_REPLICAS_MODE_UNSPECIFIED) {
      out.setReadReplicasMode(Instance.ReadReplicasMode.READ_REPLICAS_DISABLED);
    }
  }

  /**
   * PRIVATE_SERVICE_ACCESS: the network needs a private services access connection, the request's
   * {@code reservedIpRange} is the NAME of a connected allocated range (or absent: any of them),
   * and the instance answers a CIDR inside it (terraform-google-memorystore#89,
   * terraform-provider-google#11243). The refusal's wording is the local cloud's (unverified).
   */
  private String reservePsaRange(
      Instance.Builder instance, String netProject, String net, String owner) {
    Map<String, String> connected = networks.privateServiceRanges(netProject, net);
    String network = "projects/" + netProject + "/global/networks/" + net;
    if (connected.isEmpty()) {
      throw ApiException.failedPrecondition(
          "Private service access is not configured for network "
              + network
              + ": connectMode PRIVATE_SERVICE_ACCESS needs a private services access connection."
              + " Allocate a range (gcloud compute addresses create RANGE --global"
              + " --purpose=VPC_PEERING --prefix-length=16 --network="
              + net
              + ") and connect it (gcloud services vpc-peerings connect"
              + " --service=servicenetworking.googleapis.com --ranges=RANGE --network="
              + net
              + ")");
    }
    String wanted = instance.getReservedIpRange();
    List<String> names = wanted.isEmpty() ? List.copyOf(connected.keySet()) : List.of(wanted);
    if (!wanted.isEmpty() && !connected.containsKey(wanted)) {
      throw ApiException.invalidArgument(
          "instance.reservedIpRange",
          "with PRIVATE_SERVICE_ACCESS this is the name of an allocated range connected to "
              + network
              + "; connected ranges: "
              + connected.keySet());
    }
    List<Networks.AddressRange> used =
        networks.rangesInUse(netProject, net).stream()
            .filter(r -> !r.owner().contains("/global/addresses/"))
            .toList();
    int prefix =
        instance.getReadReplicasMode() == Instance.ReadReplicasMode.READ_REPLICAS_ENABLED ? 28 : 29;
    for (String rangeName : names) {
      Optional<String> block = RangeReservations.firstFree(used, connected.get(rangeName), prefix);
      if (block.isPresent()) {
        networks.reserve(netProject, net, block.get(), owner, "Redis range in " + rangeName);
        return block.get();
      }
    }
    throw ApiException.failedPrecondition(
        "No free /" + prefix + " is left in the allocated range(s) " + names + " of " + network);
  }

  private String reserveRange(
      Instance.Builder instance, String netProject, String net, String owner) {
    List<Networks.AddressRange> used = networks.rangesInUse(netProject, net);
    int prefix =
        instance.getReadReplicasMode() == Instance.ReadReplicasMode.READ_REPLICAS_ENABLED ? 28 : 29;
    String range = instance.getReservedIpRange();
    if (range.isEmpty()) {
      range =
          RangeReservations.firstFree(used, RESERVED_RANGE_SPACE, prefix)
              .orElseThrow(
                  () ->
                      ApiException.failedPrecondition(
                          "No free /"
                              + prefix
                              + " range is left in "
                              + RESERVED_RANGE_SPACE
                              + "; set instance.reservedIpRange"));
    } else {
      var block = RangeReservations.parseBlock(range);
      if (block.isEmpty() || !block.get().isPrefixBlock()) {
        throw ApiException.invalidArgument(
            "instance.reservedIpRange",
            "'" + range + "' is not an IPv4 CIDR block such as 10.0.0.0/" + prefix);
      }
      if (block.get().getNetworkPrefixLength() > prefix) {
        throw ApiException.invalidArgument(
            "instance.reservedIpRange",
            "'" + range + "' is too small: this instance needs a /" + prefix + " or larger");
      }
      if (!block.get().toIPv4().isPrivate()) {
        throw ApiException.invalidArgument(
            "instance.reservedIpRange", "'" + range + "' is not a private (RFC 1918) range");
      }
      RangeReservations.requireUnused(
          used, range, "instance.reservedIpRange", net, "choose an unused range");
      range = block.get().toCanonicalString();
    }
    networks.reserve(netProject, net, range, owner, "Redis reserved range");
    return range;
  }

  private static void validateMemory(int gb) {
    if (gb < 1 || gb > 300) {
      throw ApiException.invalidArgument(
          "instance.memorySizeGb", gb + " is out of range: use 1 to 300 (GiB)");
    }
  }

  private static void validateConfigs(Map<String, String> configs) {
    for (String key : configs.keySet()) {
      if (!CONFIGS.contains(key)) {
        throw ApiException.invalidArgument(
            "instance.redisConfigs",
            "'" + key + "' cannot be set; supported parameters are " + sorted(CONFIGS));
      }
    }
  }

  private static void validateReplicas(Instance.Builder instance, boolean applyDefault) {
    int count = instance.getReplicaCount();
    if (instance.getTier() == Instance.Tier.BASIC) {
      if (count != 0) {
        throw ApiException.invalidArgument(
            "instance.replicaCount", "BASIC instances have no replicas: use 0");
      }
      return;
    }
    boolean readReplicas =
        instance.getReadReplicasMode() == Instance.ReadReplicasMode.READ_REPLICAS_ENABLED;
    if (count == 0 && applyDefault) {
      instance.setReplicaCount(readReplicas ? 2 : 1);
    } else if (readReplicas && (count < 1 || count > 5)) {
      throw ApiException.invalidArgument(
          "instance.replicaCount", count + " is out of range: use 1 to 5 with read replicas");
    } else if (!readReplicas && count != 1) {
      throw ApiException.invalidArgument(
          "instance.replicaCount",
          "STANDARD_HA without read replicas has exactly 1 replica; enable read replicas for more");
    }
  }

  /** The instance's redisConfigs as redis-server settings (maxmemory-gb is a Memorystore name). */
  private static Map<String, String> liveConfigs(Map<String, String> configs) {
    Map<String, String> out = new LinkedHashMap<>();
    configs.forEach(
        (k, v) -> {
          if (k.equals("maxmemory-gb")) {
            try {
              out.put("maxmemory", Long.toString((long) (Double.parseDouble(v) * GIB)));
            } catch (NumberFormatException e) {
              LOG.warning("maxmemory-gb '" + v + "' is not a number; not applied");
            }
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  private static NodeInfo node(int index, String zone) {
    return NodeInfo.newBuilder().setId("node-" + index).setZone(zone).build();
  }

  private static RunningOperation.Metadata metadata(String target, String verb) {
    return (created, ended) -> {
      OperationMetadata.Builder m =
          OperationMetadata.newBuilder()
              .setCreateTime(created)
              .setTarget(target)
              .setVerb(verb)
              .setApiVersion("v1");
      if (ended != null) {
        m.setEndTime(ended);
      }
      return m.build();
    };
  }

  private void requireReady(Stored s, String name) {
    if (s.instance.getState() != Instance.State.READY) {
      throw ApiException.failedPrecondition(
          "Instance '"
              + name
              + "' is "
              + s.instance.getState()
              + "; wait for operation "
              + instances.runningOperation(name).map(RunningOperation::name).orElse("")
              + " to finish before changing it");
    }
  }

  private static String[] networkOf(String authorizedNetwork) {
    var m = NETWORK.matcher(authorizedNetwork);
    if (!m.matches()) {
      throw new IllegalStateException(authorizedNetwork);
    }
    return new String[] {m.group(1), m.group(2)};
  }

  private static String snake(String path) {
    StringBuilder sb = new StringBuilder();
    for (char c : path.trim().toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", new java.util.TreeSet<>(values));
  }

  @Override
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    out.add("instances", instances.snapshot());
    return out;
  }

  /** The snapshot plus each instance's AUTH string (the state file is owner-only). */
  @Override
  public JsonObject save() {
    JsonObject out = snapshot();
    JsonObject auth = new JsonObject();
    instances
        .names()
        .forEach(
            n -> {
              String secret = instances.get(n).authString;
              if (secret != null) {
                auth.addProperty(n, secret);
              }
            });
    out.add("authStrings", auth);
    return out;
  }

  /**
   * An instance still CREATING never was; one UPDATING or DELETING is READY as it was (the change
   * was lost). Data is not kept: {@link #resume} starts each instance an empty redis-server.
   */
  @Override
  public void load(JsonObject saved) {
    JsonObject auth = saved.getAsJsonObject("authStrings");
    for (var tree : saved.getAsJsonArray("instances")) {
      Instance.Builder instance = core.json().fromTree(tree, Instance.newBuilder(), "instance");
      String name = instance.getName();
      if (instance.getState() == Instance.State.CREATING) {
        networks.release(name);
        continue;
      }
      instance.setState(Instance.State.READY);
      instances.put(
          name, new Stored(instance, auth.has(name) ? auth.get(name).getAsString() : null));
    }
  }

  /**
   * A fresh redis-server for every loaded instance, on its old port when that is free (else the
   * instance's {@code port} changes, as after a failover); the same AUTH string.
   */
  @Override
  public void resume() {
    Map<Stored, Instance> loaded = new LinkedHashMap<>();
    core.locked(() -> instances.all().forEach(s -> loaded.put(s, s.instance.build())));
    loaded.forEach(
        (s, instance) -> {
          RedisServers.RedisServer server;
          try {
            server = startServer(s, instance, s.authString, 0);
          } catch (IOException e) {
            LOG.warning(
                "redis-server for "
                    + instance.getName()
                    + " could not be started: "
                    + e.getMessage());
            return;
          }
          core.locked(() -> s.server = server);
          InstanceFront front;
          try {
            front = InstanceFronts.open(core, reachability, s, instance.getPort());
          } catch (IOException e) {
            LOG.warning("the port of " + instance.getName() + " could not be opened: " + e);
            return;
          }
          core.locked(
              () -> {
                s.front = front;
                s.instance.setPort(front.port());
                InstanceTls.describe(s.tls, s.instance);
                if (s.instance.getReadEndpointPort() != 0) {
                  s.instance.setReadEndpointPort(front.port());
                }
              });
        });
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = instances.get(name);
    if (s == null) {
      return false;
    }
    s.instance = core.json().mergePatch(s.instance.build(), patch).toBuilder();
    return true;
  }

  @Override
  public void reset() {
    List<RedisServers.RedisServer> running = new ArrayList<>();
    core.locked(
        () -> {
          instances.all().forEach(s -> running.add(s.server));
          instances.all().forEach(s -> InstanceFronts.close(s.front));
          instances.clear();
        });
    running.parallelStream().forEach(servers::stop);
  }
}
