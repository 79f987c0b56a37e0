package dev.runwire.emulator.redis;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.InstanceAuthString;
import com.google.cloud.redis.v1.ListInstancesResponse;
import com.google.cloud.redis.v1.NodeInfo;
import com.google.cloud.redis.v1.OperationMetadata;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.JsonMergePatch;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.RangeReservations;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
  private static final Pattern INSTANCE_ID = Pattern.compile("^[a-z][a-z0-9-]{0,38}[a-z0-9]$");
  private static final Pattern NETWORK =
      Pattern.compile(
          "^(?:https://www\\.googleapis\\.com/compute/v1/)?projects/([^/]+)/global/networks/([^/]+)$");
  private static final Set<String> VERSIONS =
      Set.of("REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2");
  private static final String DEFAULT_VERSION = "REDIS_7_2";
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
  }

  /** One instance: the API resource, its AUTH string and the server behind it. */
  private static final class Stored {
    Instance.Builder instance;
    String authString;
    RedisServers.RedisServer server;
    String operation;
    Timestamp operationStart;

    Stored(Instance.Builder instance, String authString) {
      this.instance = instance;
      this.authString = authString;
    }
  }

  private final CloudCore core;
  private final Networks networks;
  private final RedisServers servers;
  private final Map<String, Stored> instances = new TreeMap<>();

  public RedisSurface(CloudCore core, Networks networks) {
    this.core = core;
    this.networks = networks;
    this.servers = new RedisServers(core.processes(), core.workDir().resolve("redis"));
    core.json().registerAnyTypes(Instance.getDescriptor(), OperationMetadata.getDescriptor());
  }

  @Override
  public String api() {
    return "redis";
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return List.of(CREATE, UPDATE, DELETE);
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
    String parent = "/v1/projects/{project}/locations/{location}/instances";
    String instance = parent + "/{instance}";
    routes
        .post(parent, this::create)
        .get(parent, this::list)
        .get(instance, this::get)
        .patch(instance, this::patch)
        .delete(instance, this::delete)
        .get(instance + "/authString", this::authString);
  }

  private Reply create(ApiRequest request) {
    String project = request.var("project");
    String location = request.var("location");
    String parent = "projects/" + project + "/locations/" + location;
    String id = request.query("instanceId");
    if (id == null || id.isEmpty()) {
      throw ApiException.invalidArgument(
          "instanceId", "required: add ?instanceId=NAME to the create request");
    }
    if (!INSTANCE_ID.matcher(id).matches()) {
      throw ApiException.invalidArgument(
          "instanceId",
          "'"
              + id
              + "' must be 2-40 characters of lowercase letters, digits and hyphens, start with a"
              + " letter and not end with a hyphen");
    }
    Regions.require("parent", location);
    String name = parent + "/instances/" + id;
    if (instances.containsKey(name)) {
      throw ApiException.alreadyExists(name);
    }
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
    }
    Stored s = new Stored(stored, stored.getAuthEnabled() ? core.ids().secret() : null);
    instances.put(name, s);
    s.operationStart = core.now();
    s.operation = core.operations().start(api(), parent, metadata(name, "create", null));
    String op = s.operation;
    core.transitions().after(core.duration(CREATE), () -> finishCreate(name, s, op));
    return core.operations().reply(op);
  }

  private void finishCreate(String name, Stored s, String op) {
    Optional<String> fault = core.faults().operationFailure(name);
    RedisServers.RedisServer server = null;
    String failure = fault.orElse(null);
    if (failure == null) {
      try {
        Instance snapshot = core.locked(() -> s.instance.build());
        server =
            servers.start(
                snapshot.getName().substring(snapshot.getName().lastIndexOf('/') + 1),
                s.authString,
                snapshot.getMemorySizeGb() * GIB);
        servers.configSet(server, liveConfigs(snapshot.getRedisConfigsMap()));
      } catch (IOException e) {
        failure = "redis-server could not be started: " + e.getMessage();
      }
    }
    RedisServers.RedisServer started = server;
    String failed = failure;
    boolean keep =
        core.locked(
            () -> {
              if (instances.get(name) != s || s.instance.getState() != Instance.State.CREATING) {
                return false;
              }
              if (failed != null) {
                instances.remove(name);
                networks.release(name);
                core.operations()
                    .fail(op, metadata(name, "create", core.now()), ApiException.internal(failed));
                return false;
              }
              s.server = started;
              s.instance
                  .setState(Instance.State.READY)
                  .setHost("127.0.0.1")
                  .setPort(started.port())
                  .setCurrentLocationId(s.instance.getLocationId())
                  .setPersistenceIamIdentity(
                      "serviceAccount:service-local@cloud-redis.iam.gserviceaccount.com");
              s.instance.clearNodes().addNodes(node(0, s.instance.getLocationId()));
              if (s.instance.getTier() == Instance.Tier.STANDARD_HA) {
                s.instance.addNodes(node(1, s.instance.getAlternativeLocationId()));
              }
              if (s.instance.getReadReplicasMode()
                  == Instance.ReadReplicasMode.READ_REPLICAS_ENABLED) {
                s.instance.setReadEndpoint("127.0.0.1").setReadEndpointPort(started.port());
              }
              s.operation = null;
              core.operations()
                  .succeed(op, metadata(name, "create", core.now()), s.instance.build());
              return true;
            });
    if (!keep) {
      servers.stop(started);
    }
  }

  private Reply get(ApiRequest request) {
    return Reply.of(require(nameOf(request)).instance.build());
  }

  private Reply list(ApiRequest request) {
    String project = request.var("project");
    String location = request.var("location");
    String prefix =
        "-".equals(location)
            ? "projects/" + project + "/locations/"
            : "projects/" + project + "/locations/" + location + "/instances/";
    List<Instance> all = new ArrayList<>();
    for (Map.Entry<String, Stored> e : instances.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        all.add(e.getValue().instance.build());
      }
    }
    Pages.Page<Instance> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 1000);
    return Reply.of(
        ListInstancesResponse.newBuilder()
            .addAllInstances(page.items())
            .setNextPageToken(page.nextPageToken()));
  }

  private Reply patch(ApiRequest request) {
    String name = nameOf(request);
    Stored s = require(name);
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
    for (String path : mask) {
      String field = UPDATABLE.get(snake(path));
      if (field == null) {
        throw ApiException.invalidArgument(
            "updateMask",
            "'"
                + path
                + "' cannot be updated; updatable fields are displayName, labels, memorySizeGb,"
                + " redisConfigs, replicaCount (changing AUTH, TLS, tier or network means"
                + " replacing the instance)");
      }
      switch (field) {
        case "displayName" -> next.setDisplayName(in.getDisplayName());
        case "labels" -> next.clearLabels().putAllLabels(in.getLabelsMap());
        case "memorySizeGb" -> next.setMemorySizeGb(in.getMemorySizeGb());
        case "redisConfigs" -> next.clearRedisConfigs().putAllRedisConfigs(in.getRedisConfigsMap());
        default -> next.setReplicaCount(in.getReplicaCount());
      }
    }
    validateMemory(next.getMemorySizeGb());
    validateConfigs(next.getRedisConfigsMap());
    validateReplicas(next, false);
    s.instance.setState(Instance.State.UPDATING);
    s.operationStart = core.now();
    String parent = parentOf(name);
    String op = core.operations().start(api(), parent, metadata(name, "update", null));
    s.operation = op;
    Instance target = next.build();
    core.transitions().after(core.duration(UPDATE), () -> finishUpdate(name, s, op, target));
    return core.operations().reply(op);
  }

  private void finishUpdate(String name, Stored s, String op, Instance target) {
    RedisServers.RedisServer server = core.locked(() -> s.server);
    Optional<String> fault = core.faults().operationFailure(name);
    if (fault.isEmpty() && server != null) {
      Map<String, String> live = liveConfigs(target.getRedisConfigsMap());
      live.putIfAbsent("maxmemory", Long.toString(target.getMemorySizeGb() * GIB));
      servers.configSet(server, live);
    }
    core.locked(
        () -> {
          if (instances.get(name) != s || s.instance.getState() != Instance.State.UPDATING) {
            return;
          }
          s.operation = null;
          if (fault.isPresent()) {
            s.instance.setState(Instance.State.READY);
            core.operations()
                .fail(op, metadata(name, "update", core.now()), ApiException.internal(fault.get()));
            return;
          }
          s.instance = target.toBuilder().setState(Instance.State.READY);
          core.operations().succeed(op, metadata(name, "update", core.now()), target);
        });
  }

  private Reply delete(ApiRequest request) {
    String name = nameOf(request);
    Stored s = require(name);
    if (s.instance.getState() == Instance.State.DELETING) {
      throw ApiException.failedPrecondition(
          "Instance '" + name + "' is already being deleted by operation " + s.operation);
    }
    if (s.operation != null && !core.operations().isDone(s.operation)) {
      core.operations()
          .fail(
              s.operation,
              metadata(name, "create", core.now()),
              ApiException.aborted("Instance '" + name + "' was deleted before this finished"));
    }
    s.instance.setState(Instance.State.DELETING);
    s.operationStart = core.now();
    String op = core.operations().start(api(), parentOf(name), metadata(name, "delete", null));
    s.operation = op;
    core.transitions().after(core.duration(DELETE), () -> finishDelete(name, s, op));
    return core.operations().reply(op);
  }

  private void finishDelete(String name, Stored s, String op) {
    Optional<String> fault = core.faults().operationFailure(name);
    RedisServers.RedisServer server =
        core.locked(
            () -> {
              if (instances.get(name) != s) {
                return null;
              }
              if (fault.isPresent()) {
                s.instance.setState(Instance.State.READY);
                s.operation = null;
                core.operations()
                    .fail(
                        op,
                        metadata(name, "delete", core.now()),
                        ApiException.internal(fault.get()));
                return null;
              }
              instances.remove(name);
              networks.release(name);
              core.operations()
                  .succeed(op, metadata(name, "delete", core.now()), Empty.getDefaultInstance());
              return s.server;
            });
    servers.stop(server);
  }

  private Reply authString(ApiRequest request) {
    Stored s = require(nameOf(request));
    InstanceAuthString.Builder out = InstanceAuthString.newBuilder();
    if (s.authString != null) {
      out.setAuthString(s.authString);
    }
    return Reply.of(out);
  }

  /** The fields of a new instance, checked and completed with the API's defaults. */
  private Instance.Builder validateNew(Instance.Builder in, String project, String location) {
    Instance.Builder out = in.clone();
    if (in.getTier() == Instance.Tier.TIER_UNSPECIFIED) {
      throw ApiException.invalidArgument("instance.tier", "required: use BASIC or STANDARD_HA");
    }
    if (in.getTier() == Instance.Tier.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          "instance.tier",
          "unknown tier " + in.getTierValue() + "; use BASIC (1) or STANDARD_HA (3)");
    }
    validateMemory(in.getMemorySizeGb());
    if (in.getRedisVersion().isEmpty()) {
      out.setRedisVersion(DEFAULT_VERSION);
    } else if (!VERSIONS.contains(in.getRedisVersion())) {
      throw ApiException.invalidArgument(
          "instance.redisVersion",
          "'" + in.getRedisVersion() + "' is not supported; use one of " + sorted(VERSIONS));
    }
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
    switch (in.getConnectMode()) {
      case CONNECT_MODE_UNSPECIFIED -> out.setConnectMode(Instance.ConnectMode.DIRECT_PEERING);
      case DIRECT_PEERING, PRIVATE_SERVICE_ACCESS -> {}
      default ->
          throw ApiException.invalidArgument(
              "instance.connectMode", "use DIRECT_PEERING (1) or PRIVATE_SERVICE_ACCESS (2)");
    }
    switch (in.getTransitEncryptionMode()) {
      case TRANSIT_ENCRYPTION_MODE_UNSPECIFIED, DISABLED ->
          out.setTransitEncryptionMode(Instance.TransitEncryptionMode.DISABLED);
      case SERVER_AUTHENTICATION ->
          throw ApiException.invalidArgument(
              "instance.transitEncryptionMode",
              "SERVER_AUTHENTICATION (TLS) is not served by the local cloud; use DISABLED locally");
      default ->
          throw ApiException.invalidArgument(
              "instance.transitEncryptionMode", "use SERVER_AUTHENTICATION (1) or DISABLED (2)");
    }
    if (in.getReadReplicasMode() == Instance.ReadReplicasMode.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          "instance.readReplicasMode", "use READ_REPLICAS_DISABLED or READ_REPLICAS_ENABLED");
    }
    if (in.getTier() == Instance.Tier.STANDARD_HA
        && in.getReadReplicasMode() == Instance.ReadReplicasMode.READ_REPLICAS_MODE_UNSPECIFIED) {
      out.setReadReplicasMode(Instance.ReadReplicasMode.READ_REPLICAS_DISABLED);
    }
    validateReplicas(out, true);
    validateConfigs(in.getRedisConfigsMap());
    return out;
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
      Optional<Networks.AddressRange> clash = RangeReservations.firstOverlap(used, range);
      if (clash.isPresent()) {
        throw ApiException.invalidArgument(
            "instance.reservedIpRange",
            "'"
                + range
                + "' overlaps "
                + clash.get().cidr()
                + " ("
                + clash.get().purpose()
                + " of "
                + clash.get().owner()
                + ") in network "
                + net
                + "; choose an unused range");
      }
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

  private OperationMetadata metadata(String target, String verb, Timestamp end) {
    Stored s = instances.get(target);
    Timestamp started = s != null && s.operationStart != null ? s.operationStart : core.now();
    OperationMetadata.Builder m =
        OperationMetadata.newBuilder()
            .setCreateTime(started)
            .setTarget(target)
            .setVerb(verb)
            .setApiVersion("v1");
    if (end != null) {
      m.setEndTime(end);
    }
    return m.build();
  }

  private void requireReady(Stored s, String name) {
    if (s.instance.getState() != Instance.State.READY) {
      throw ApiException.failedPrecondition(
          "Instance '"
              + name
              + "' is "
              + s.instance.getState()
              + "; wait for operation "
              + s.operation
              + " to finish before changing it");
    }
  }

  private Stored require(String name) {
    Stored s = instances.get(name);
    if (s == null) {
      throw ApiException.notFound(name);
    }
    return s;
  }

  private static String nameOf(ApiRequest r) {
    return "projects/"
        + r.var("project")
        + "/locations/"
        + r.var("location")
        + "/instances/"
        + r.var("instance");
  }

  private static String parentOf(String name) {
    return name.substring(0, name.indexOf("/instances/"));
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
    JsonArray list = new JsonArray();
    for (Stored s : instances.values()) {
      list.add(core.json().toTree(s.instance));
    }
    JsonObject out = new JsonObject();
    out.add("instances", list);
    return out;
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = instances.get(name);
    if (s == null) {
      return false;
    }
    JsonObject merged =
        JsonMergePatch.apply(core.json().toTree(s.instance), patch).getAsJsonObject();
    s.instance = core.json().fromTree(merged, Instance.newBuilder(), "patch");
    return true;
  }

  @Override
  public void reset() {
    List<RedisServers.RedisServer> running = new ArrayList<>();
    core.locked(
        () -> {
          instances.values().forEach(s -> running.add(s.server));
          instances.clear();
        });
    running.parallelStream().forEach(servers::stop);
  }
}
