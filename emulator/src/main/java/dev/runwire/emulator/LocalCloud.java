package dev.runwire.emulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.compute.ComputeSurface;
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
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.RecordedRequest;
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

  private final CloudCore core;
  private final Networks networks;
  private final RedisSurface redis;
  private final List<ApiSurface> surfaces;
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
    this.redis = new RedisSurface(core, networks);
    RunSurface run = new RunSurface(core, networks, connectors, secrets);
    this.surfaces = List.of(redis, run, secrets, compute, vpcAccess);

    List<LatencyKey> keys = new ArrayList<>();
    surfaces.forEach(s -> keys.addAll(s.latencyKeys()));
    try {
      profile.checkOverrides(keys);
      this.front = new HttpFront(core, surfaces, this::admin, b.port);
    } catch (RuntimeException | IOException e) {
      core.close();
      throw e;
    }
    core.baseUrl("http://127.0.0.1:" + front.port());
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
      case "GET /admin/info" -> {
        JsonObject info = new JsonObject();
        info.addProperty("baseUrl", baseUrl());
        info.addProperty("profile", profile());
        info.addProperty("redisServer", redisServer());
        info.addProperty("workDir", workDir.toString());
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
                  + "; see GET /admin/info, /admin/state, /admin/requests, /admin/counters,"
                  + " /admin/faults and POST /admin/reset, /admin/faults, /admin/resources:patch");
    }
  }

  private static JsonObject ok(String what) {
    JsonObject o = new JsonObject();
    o.addProperty("ok", what);
    return o;
  }

  @Override
  public void close() {
    front.close();
    core.transitions().reset();
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
