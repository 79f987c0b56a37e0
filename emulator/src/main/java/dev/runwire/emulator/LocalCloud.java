package dev.runwire.emulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.compute.ComputeSurface;
import dev.runwire.emulator.compute.ServiceNetworkingSurface;
import dev.runwire.emulator.core.ApiCounters;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.Faults;
import dev.runwire.emulator.core.HttpFront;
import dev.runwire.emulator.core.ImageCommands;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.LatencyProfile;
import dev.runwire.emulator.core.NetworkLog;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.emulator.core.StateFile;
import dev.runwire.emulator.redis.RedisSurface;
import dev.runwire.emulator.run.RunSurface;
import dev.runwire.emulator.secretmanager.SecretManagerSurface;
import dev.runwire.emulator.vpcaccess.VpcAccessSurface;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The local cloud: the REST surfaces of the Google APIs runwire calls, served on 127.0.0.1, with
 * real redis-server processes behind Redis instances and real local processes behind Cloud Run jobs
 * and services whose image is mapped to a command.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.builder().profile("instant")
 *     .imageCommand("local/runwire-job", List.of("java", "-jar", jar)).start()) {
 *   String endpoint = cloud.baseUrl();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalCloud.class.getName());

  /** Spreads saved generations over the seed space (the golden-ratio increment). */
  private static final long RESEED_STEP = 0x9E3779B97F4A7C15L;

  private final CloudCore core;
  private final Networks networks;
  private final RedisSurface redis;
  private final List<ApiSurface> surfaces;
  private final List<ApiSurface> loadOrder;
  private final StateFile stateFile;
  private final long seed;
  private long generation;
  private final HttpFront front;
  private final Path workDir;
  private final boolean ownsWorkDir;

  private LocalCloud(Builder b) throws IOException {
    LatencyProfile profile = LatencyProfile.parse(b.profile, b.durations);
    this.ownsWorkDir = b.workDir == null;
    this.workDir =
        b.workDir != null
            ? Files.createDirectories(b.workDir)
            : Files.createTempDirectory("runwire-local-cloud-");
    this.core =
        new CloudCore(
            new CloudCore.Config(
                profile,
                b.seed,
                b.images,
                workDir,
                b.echoOutput,
                Map.copyOf(b.childEnv),
                b.serviceStartTimeout));
    core.faults().reseed(b.seed);
    b.faultSetup.forEach(setup -> setup.accept(core.faults()));

    // The one place that lists the surfaces and wires the seams between them: the Compute
    // surface is the Networks seam, the VPC Access surface the Connectors seam.
    ComputeSurface compute = new ComputeSurface(core);
    this.networks = compute.networks();
    VpcAccessSurface vpcAccess = new VpcAccessSurface(core, networks);
    Connectors connectors = vpcAccess.connectors();
    SecretManagerSurface secrets = new SecretManagerSurface(core);
    this.redis = new RedisSurface(core, networks, connectors);
    RunSurface run = new RunSurface(core, networks, connectors, secrets);
    ServiceNetworkingSurface serviceNetworking = compute.serviceNetworking();
    this.surfaces = List.of(redis, run, secrets, compute, vpcAccess, serviceNetworking);
    // Compute first: the others' ranges live in its networks.
    this.loadOrder = List.of(compute, serviceNetworking, vpcAccess, secrets, redis, run);
    this.stateFile = b.stateFile == null ? null : new StateFile(b.stateFile);
    this.seed = b.seed;

    List<LatencyKey> keys = new ArrayList<>();
    surfaces.forEach(s -> keys.addAll(s.latencyKeys()));
    boolean loaded;
    try {
      profile.checkOverrides(keys);
      loaded = loadStateFile();
      this.front = new HttpFront(core, surfaces, this::admin, b.port);
    } catch (RuntimeException | IOException e) {
      surfaces.forEach(ApiSurface::close);
      core.close();
      throw e;
    }
    core.baseUrl("http://127.0.0.1:" + front.port());
    if (loaded) {
      // Processes (redis-server, mapped services) need the base URL for their env.
      surfaces.forEach(ApiSurface::resume);
    }
  }

  /** Loads the state file's world, if there is one yet, into the empty surfaces. */
  private boolean loadStateFile() {
    Optional<JsonObject> saved = stateFile == null ? Optional.empty() : stateFile.read();
    try {
      saved.ifPresent(this::load);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "State file "
              + stateFile.path()
              + " could not be loaded ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); it was written by another version or edited: delete it to start empty",
          e);
    }
    return saved.isPresent();
  }

  private void load(JsonObject state) {
    generation = state.get("generation").getAsLong();
    core.ids().reseed(seed + generation * RESEED_STEP);
    core.locked(
        () -> {
          for (ApiSurface s : loadOrder) {
            s.load(state.getAsJsonObject(s.api()));
          }
          core.operations().load(state.getAsJsonObject("longRunningOperations"));
        });
    LOG.info("Loaded the local cloud's state from " + stateFile.path());
  }

  /**
   * Writes the whole world to the state file: every API's resources and operations, with the secret
   * payloads, AUTH strings and IAM policies the state snapshot leaves out. The file is owner-only.
   * Called on close and by {@code POST /admin/save}.
   */
  public Path save() {
    if (stateFile == null) {
      throw ApiException.failedPrecondition(
          "This local cloud has no state file; start it with --state-file FILE or"
              + " LocalCloud.builder().stateFile(path)");
    }
    JsonObject state =
        core.locked(
            () -> {
              JsonObject out = new JsonObject();
              out.addProperty("format", StateFile.FORMAT);
              out.addProperty("generation", ++generation);
              out.addProperty("savedAt", java.time.Instant.now().toString());
              for (ApiSurface s : loadOrder) {
                out.add(s.api(), s.save());
              }
              out.add("longRunningOperations", core.operations().save());
              return out;
            });
    stateFile.write(state);
    return stateFile.path();
  }

  /** The state file, when the cloud keeps its world in one. */
  public Optional<Path> stateFile() {
    return Optional.ofNullable(stateFile).map(StateFile::path);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>}: the endpoint for every API client. */
  public String baseUrl() {
    return core.baseUrl();
  }

  public int port() {
    return front.port();
  }

  /** The requests answered since the last {@link #resetLog()} (admin requests excluded). */
  public List<RecordedRequest> requestLog() {
    return core.log().entries();
  }

  /** Reads, mutations, polls and errors per API since the last {@link #resetLog()}. */
  public Map<String, ApiCounters> counters() {
    return core.log().counters();
  }

  public void resetLog() {
    core.log().clear();
    core.networkLog().clear();
  }

  /**
   * The network's decisions since the last {@link #resetLog()}: each connection to a Redis
   * instance, the workload that made it, allowed or blocked, and why.
   */
  public List<NetworkLog.Decision> networkLog() {
    return core.networkLog().entries();
  }

  /** Faults to inject; changes apply to the next request. */
  public Faults faults() {
    return core.faults();
  }

  /** Every resource, operation and process gone, as at start; faults and the log stay. */
  public void reset() {
    core.transitions().reset();
    surfaces.forEach(ApiSurface::reset);
    core.locked(
        () -> {
          networks.reset();
          core.operations().reset();
        });
  }

  /**
   * Changes resource {@code name} out of band, the way a person with gcloud or the console would:
   * {@code jsonPatch} is a JSON merge patch of its API fields, e.g. {@code {"memorySizeGb":5}}.
   */
  public void changeOutOfBand(String name, String jsonPatch) {
    JsonElement patch = JsonParser.parseString(jsonPatch);
    if (!patch.isJsonObject()) {
      throw new IllegalArgumentException("the patch must be a JSON object");
    }
    boolean changed =
        core.locked(
            () -> {
              for (ApiSurface s : surfaces) {
                if (s.changeOutOfBand(name, patch.getAsJsonObject())) {
                  return true;
                }
              }
              return false;
            });
    if (!changed) {
      throw ApiException.notFound(name);
    }
  }

  /** The whole state as JSON: every API's resources and the operations. */
  public JsonObject state() {
    return core.locked(
        () -> {
          JsonObject out = new JsonObject();
          out.addProperty("profile", core.profile().toString());
          for (ApiSurface s : surfaces) {
            out.add(s.api(), s.snapshot());
          }
          out.add("operations", core.operations().snapshot());
          return out;
        });
  }

  /** Which redis-server backs Redis instances. */
  public String redisServer() {
    return redis.serverDescription();
  }

  public String profile() {
    return core.profile().toString();
  }

  /** Where process output (job tasks, services, redis-server) is written. */
  public Path workDir() {
    return workDir;
  }

  /** The env a client needs to use this cloud, e.g. {@code RUNWIRE_LOCAL_CLOUD}. */
  public Map<String, String> clientEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RUNWIRE_LOCAL_CLOUD", baseUrl());
    return env;
  }

  private JsonElement admin(
      String method, String path, Map<String, List<String>> query, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    switch (method + " " + path) {
      case "POST /admin/reset" -> {
        reset();
        resetLog();
        return ok("reset");
      }
      case "GET /admin/state" -> {
        return state();
      }
      case "GET /admin/requests" -> {
        return core.log().entriesJson();
      }
      case "DELETE /admin/requests", "POST /admin/requests:reset" -> {
        resetLog();
        return ok("log cleared");
      }
      case "GET /admin/network" -> {
        return core.networkLog().entriesJson();
      }
      case "GET /admin/counters" -> {
        return core.log().countersJson();
      }
      case "GET /admin/faults" -> {
        return core.faults().toJson();
      }
      case "POST /admin/faults" -> {
        core.faults().apply(JsonParser.parseString(text.isBlank() ? "{}" : text).getAsJsonObject());
        return core.faults().toJson();
      }
      case "POST /admin/resources:patch" -> {
        JsonObject req = JsonParser.parseString(text).getAsJsonObject();
        if (!req.has("name") || !req.has("patch")) {
          throw ApiException.badRequest(
              "send {\"name\":\"<full resource name>\",\"patch\":{<JSON merge patch>}}");
        }
        changeOutOfBand(req.get("name").getAsString(), req.get("patch").toString());
        return ok("changed " + req.get("name").getAsString());
      }
      case "POST /admin/save" -> {
        return ok("saved to " + save());
      }
      case "GET /admin/info" -> {
        JsonObject info = new JsonObject();
        info.addProperty("baseUrl", baseUrl());
        info.addProperty("profile", profile());
        info.addProperty("redisServer", redisServer());
        info.addProperty("workDir", workDir.toString());
        stateFile().ifPresent(f -> info.addProperty("stateFile", f.toString()));
        JsonObject images = new JsonObject();
        core.images().all().forEach((k, v) -> images.addProperty(k, String.join(" ", v)));
        info.add("images", images);
        return info;
      }
      default ->
          throw ApiException.notFoundMessage(
              "No admin endpoint "
                  + method
                  + " "
                  + path
                  + "; see GET /admin/info, /admin/state, /admin/requests, /admin/network, /admin/counters,"
                  + " /admin/faults and POST /admin/reset, /admin/faults, /admin/resources:patch,"
                  + " /admin/save");
    }
  }

  private static JsonObject ok(String what) {
    JsonObject o = new JsonObject();
    o.addProperty("ok", what);
    return o;
  }

  /** Stops serving, saves the state file (if any), stops every process. */
  @Override
  public void close() {
    front.close();
    core.transitions().reset();
    if (stateFile != null) {
      try {
        save();
      } catch (RuntimeException e) {
        LOG.warning("The state could not be saved to " + stateFile.path() + ": " + e.getMessage());
      }
    }
    surfaces.forEach(ApiSurface::close);
    core.close();
    if (ownsWorkDir) {
      deleteTree(workDir);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }

  /** Settings for {@link #start()}. */
  public static final class Builder {
    private String profile = "instant";
    private int port;
    private long seed = 1;
    private final Map<String, Duration> durations = new LinkedHashMap<>();
    private final ImageCommands images = new ImageCommands();
    private boolean echoOutput;
    private final Map<String, String> childEnv = new LinkedHashMap<>();
    private Path workDir;
    private Duration serviceStartTimeout = Duration.ofSeconds(60);
    private final List<java.util.function.Consumer<Faults>> faultSetup = new ArrayList<>();
    private Path stateFile;

    private Builder() {}

    /** {@code instant} (default), {@code realistic} or {@code scaled:N}. */
    public Builder profile(String profile) {
      this.profile = profile;
      return this;
    }

    /** The port to bind on 127.0.0.1; 0 (default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Seeds fault injection and generated ids. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Overrides one transition's duration, e.g. {@code duration("redis.create", 3s)}. */
    public Builder duration(String key, Duration duration) {
      durations.put(key, duration);
      return this;
    }

    /** Runs containers with {@code image} as {@code argv} (the image's entrypoint). */
    public Builder imageCommand(String image, List<String> argv) {
      images.map(image, argv);
      return this;
    }

    /** Copies each task's and service's output to this process's stdout with a prefix. */
    public Builder echoOutput(boolean echo) {
      this.echoOutput = echo;
      return this;
    }

    /** An extra variable in every local container's env (e.g. PUBSUB_EMULATOR_HOST). */
    public Builder childEnv(String name, String value) {
      childEnv.put(name, value);
      return this;
    }

    /** Where process output goes; default a temp dir deleted on close. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** How long a mapped service may take to listen on PORT before its revision fails. */
    public Builder serviceStartTimeout(Duration timeout) {
      this.serviceStartTimeout = timeout;
      return this;
    }

    /**
     * Keeps the world in {@code file} between runs: loaded at start when it exists, written on
     * close and on {@code POST /admin/save}. It holds secret payloads and AUTH strings, so it is
     * written owner-only. Redis data is not kept: a loaded instance starts an empty redis-server.
     */
    public Builder stateFile(Path file) {
      this.stateFile = file;
      return this;
    }

    /** Faults to inject from the start. */
    public Builder faults(java.util.function.Consumer<Faults> setup) {
      faultSetup.add(setup);
      return this;
    }

    public LocalCloud start() {
      try {
        return new LocalCloud(this);
      } catch (IOException e) {
        throw new UncheckedIOException("the local cloud could not start", e);
      }
    }
  }
}
