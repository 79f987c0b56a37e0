package dev.runwire.emulator.secretmanager;

import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.AddSecretVersionRequest;
import com.google.cloud.secretmanager.v1.ListSecretVersionsResponse;
import com.google.cloud.secretmanager.v1.ListSecretsResponse;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.IamPolicies;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.SecretValues;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Secret Manager v1: secrets create / get / list / delete, versions add / get / list / access, and
 * IAM. Payloads never appear in a log line, an error or the state snapshot. It is also the {@link
 * SecretValues} Cloud Run resolves secret env vars through.
 */
public final class SecretManagerSurface implements ApiSurface, SecretValues {

  private static final Pattern SECRET_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,255}$");
  private static final int MAX_PAYLOAD = 64 * 1024;

  /** A secret and its versions in order (version N at index N-1). */
  private static final class Stored {
    Secret.Builder secret;
    final List<SecretVersion.Builder> versions = new ArrayList<>();
    final List<byte[]> payloads = new ArrayList<>();

    Stored(Secret.Builder secret) {
      this.secret = secret;
    }
  }

  private final CloudCore core;
  private final Map<String, Stored> secrets = new TreeMap<>();

  /** Predefined roles holding secretmanager.versions.access. */
  private static final List<String> ACCESS_ROLES =
      List.of("roles/secretmanager.secretAccessor", "roles/secretmanager.admin");

  private final IamPolicies iam = new IamPolicies();

  public SecretManagerSurface(CloudCore core) {
    this.core = core;
  }

  @Override
  public String api() {
    return "secretmanager";
  }

  @Override
  public void registerRoutes(Routes routes) {
    String parent = "/v1/projects/{project}/secrets";
    String secret = parent + "/{secret}";
    String version = secret + "/versions/{version}";
    routes
        .post(parent, this::create)
        .get(parent, this::list)
        .get(secret, this::get)
        .patch(secret, this::update)
        .delete(secret, this::delete)
        .post(secret + ":addVersion", this::addVersion)
        .get(secret + "/versions", this::listVersions)
        .get(version, this::getVersion)
        .get(version + ":access", this::access)
        .get(secret + ":getIamPolicy", this::getIamPolicy)
        .post(secret + ":setIamPolicy", this::setIamPolicy);
  }

  private Reply create(ApiRequest request) {
    String project = request.var("project");
    String id = request.query("secretId");
    if (id == null || id.isEmpty()) {
      throw ApiException.invalidArgument(
          "secretId", "required: add ?secretId=NAME to the create request");
    }
    if (!SECRET_ID.matcher(id).matches()) {
      throw ApiException.invalidArgument(
          "secretId", "'" + id + "' must be 1-255 letters, digits, '-' or '_'");
    }
    String name = "projects/" + project + "/secrets/" + id;
    if (secrets.containsKey(name)) {
      throw ApiException.alreadyExists(name);
    }
    Secret.Builder in = request.body(Secret.newBuilder(), "secret");
    Replication r = in.getReplication();
    if (r.getReplicationCase() == Replication.ReplicationCase.REPLICATION_NOT_SET) {
      throw ApiException.invalidArgument(
          "secret.replication", "required: use {\"automatic\":{}} or userManaged replicas");
    }
    if (r.hasUserManaged() && r.getUserManaged().getReplicasCount() == 0) {
      throw ApiException.invalidArgument(
          "secret.replication.userManaged.replicas", "name at least one location");
    }
    Secret.Builder stored = in.clone().setName(name).setCreateTime(core.now()).setEtag(etag(1));
    secrets.put(name, new Stored(stored));
    return Reply.of(stored.build());
  }

  /**
   * {@code secrets.patch} (UpdateSecret): {@code updateMask} is required and names what changes;
   * labels and annotations are served here, replication is immutable (service.proto: "Updates
   * metadata of an existing Secret"; resources.proto marks replication IMMUTABLE). An etag in the
   * body must match (409 ABORTED otherwise).
   */
  private Reply update(ApiRequest request) {
    String name = secretName(request);
    Stored s = require(name);
    List<String> paths = new ArrayList<>();
    for (String mask : request.queryList("updateMask")) {
      for (String path : mask.split(",")) {
        if (!path.isBlank()) {
          paths.add(path.trim());
        }
      }
    }
    if (paths.isEmpty()) {
      throw ApiException.invalidArgument(
          "update_mask", "required: name the fields to update, e.g. ?updateMask=labels");
    }
    Secret in = request.body(Secret.newBuilder(), "secret").build();
    if (!in.getEtag().isEmpty() && !in.getEtag().equals(s.secret.getEtag())) {
      throw ApiException.aborted(
          "The etag provided in the request does not match the current etag of secret " + name);
    }
    for (String path : paths) {
      switch (path) {
        case "labels" -> s.secret.clearLabels().putAllLabels(in.getLabelsMap());
        case "annotations" -> s.secret.clearAnnotations().putAllAnnotations(in.getAnnotationsMap());
        case "replication" ->
            throw ApiException.invalidArgument(
                "update_mask", "replication is immutable: it cannot be updated");
        default ->
            throw ApiException.invalidArgument(
                "update_mask", "'" + path + "' is not a field of Secret this API can update");
      }
    }
    s.secret.setEtag(etag(1));
    return Reply.of(s.secret.build());
  }

  private Reply get(ApiRequest request) {
    return Reply.of(require(secretName(request)).secret.build());
  }

  private Reply list(ApiRequest request) {
    String prefix = "projects/" + request.var("project") + "/secrets/";
    List<Secret> all = new ArrayList<>();
    secrets.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            all.add(v.secret.build());
          }
        });
    Pages.Page<Secret> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 25000);
    return Reply.of(
        ListSecretsResponse.newBuilder()
            .addAllSecrets(page.items())
            .setNextPageToken(page.nextPageToken())
            .setTotalSize(all.size()));
  }

  private Reply delete(ApiRequest request) {
    String name = secretName(request);
    require(name);
    secrets.remove(name);
    iam.remove(name);
    return Reply.of(Empty.getDefaultInstance());
  }

  private Reply addVersion(ApiRequest request) {
    String name = secretName(request);
    Stored s = require(name);
    AddSecretVersionRequest in =
        request.body(AddSecretVersionRequest.newBuilder(), "request").build();
    if (!in.hasPayload()) {
      throw ApiException.invalidArgument(
          "payload", "required: send {\"payload\":{\"data\":BASE64}}");
    }
    byte[] data = in.getPayload().getData().toByteArray();
    if (data.length > MAX_PAYLOAD) {
      throw ApiException.invalidArgument(
          "payload.data", data.length + " bytes is more than the 65536 a version may hold");
    }
    if (in.getPayload().hasDataCrc32C() && in.getPayload().getDataCrc32C() != crc32c(data)) {
      throw ApiException.invalidArgument(
          "payload.dataCrc32c", "does not match the data; compute CRC32C over the raw bytes");
    }
    int number = s.versions.size() + 1;
    SecretVersion.Builder v =
        SecretVersion.newBuilder()
            .setName(name + "/versions/" + number)
            .setCreateTime(core.now())
            .setState(SecretVersion.State.ENABLED)
            .setEtag(etag(1))
            .setClientSpecifiedPayloadChecksum(in.getPayload().hasDataCrc32C());
    s.versions.add(v);
    s.payloads.add(data);
    return Reply.of(v.build());
  }

  private Reply getVersion(ApiRequest request) {
    Stored s = require(secretName(request));
    return Reply.of(version(s, secretName(request), request.var("version")).build());
  }

  private Reply listVersions(ApiRequest request) {
    Stored s = require(secretName(request));
    List<SecretVersion> all = new ArrayList<>();
    for (int i = s.versions.size() - 1; i >= 0; i--) {
      all.add(s.versions.get(i).build());
    }
    Pages.Page<SecretVersion> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 25000);
    return Reply.of(
        ListSecretVersionsResponse.newBuilder()
            .addAllVersions(page.items())
            .setNextPageToken(page.nextPageToken())
            .setTotalSize(all.size()));
  }

  private Reply access(ApiRequest request) {
    String secretName = secretName(request);
    Stored s = require(secretName);
    SecretVersion.Builder v = version(s, secretName, request.var("version"));
    if (v.getState() != SecretVersion.State.ENABLED) {
      throw ApiException.failedPrecondition(
          "Secret version '" + v.getName() + "' is " + v.getState() + "; enable it to access it");
    }
    byte[] data = s.payloads.get(number(v.getName()) - 1);
    return Reply.of(
        AccessSecretVersionResponse.newBuilder()
            .setName(v.getName())
            .setPayload(
                SecretPayload.newBuilder()
                    .setData(ByteString.copyFrom(data))
                    .setDataCrc32C(crc32c(data))));
  }

  private Reply getIamPolicy(ApiRequest request) {
    String name = secretName(request);
    require(name);
    return Reply.of(iam.read(name, request));
  }

  private Reply setIamPolicy(ApiRequest request) {
    String name = secretName(request);
    require(name);
    return Reply.of(iam.set(name, request));
  }

  @Override
  public Optional<String> resolveVersion(String project, String secret, String version) {
    String name =
        secret.startsWith("projects/") ? secret : "projects/" + project + "/secrets/" + secret;
    Stored s = secrets.get(name);
    if (s == null) {
      return Optional.empty();
    }
    try {
      SecretVersion.Builder v = version(s, name, version.isEmpty() ? "latest" : version);
      return v.getState() == SecretVersion.State.ENABLED
          ? Optional.of(v.getName())
          : Optional.empty();
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<byte[]> payload(String versionName) {
    var m =
        Pattern.compile("^(projects/[^/]+/secrets/[^/]+)/versions/(\\d+)$").matcher(versionName);
    if (!m.matches()) {
      return Optional.empty();
    }
    Stored s = secrets.get(m.group(1));
    int n = Integer.parseInt(m.group(2));
    if (s == null || n < 1 || n > s.payloads.size()) {
      return Optional.empty();
    }
    return Optional.of(s.payloads.get(n - 1).clone());
  }

  @Override
  public boolean canAccess(String versionName, String member) {
    int at = versionName.indexOf("/versions/");
    String secret = at < 0 ? versionName : versionName.substring(0, at);
    return ACCESS_ROLES.stream().anyMatch(role -> iam.grants(secret, role, member));
  }

  private SecretVersion.Builder version(Stored s, String secretName, String version) {
    if (version.equals("latest")) {
      for (int i = s.versions.size() - 1; i >= 0; i--) {
        if (s.versions.get(i).getState() == SecretVersion.State.ENABLED) {
          return s.versions.get(i);
        }
      }
      throw ApiException.notFoundMessage(
          "Secret '" + secretName + "' has no enabled version; add one with :addVersion");
    }
    int n;
    try {
      n = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument(
          "name", "version '" + version + "' must be a number or 'latest'");
    }
    if (n < 1 || n > s.versions.size()) {
      throw ApiException.notFound(secretName + "/versions/" + version);
    }
    return s.versions.get(n - 1);
  }

  private Stored require(String name) {
    Stored s = secrets.get(name);
    if (s == null) {
      throw ApiException.notFound(name);
    }
    return s;
  }

  private static String secretName(ApiRequest r) {
    return "projects/" + r.var("project") + "/secrets/" + r.var("secret");
  }

  private static int number(String versionName) {
    return Integer.parseInt(versionName.substring(versionName.lastIndexOf('/') + 1));
  }

  private static long crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }

  private static String etag(int generation) {
    return "\"" + Long.toHexString(System.nanoTime()) + generation + "\"";
  }

  @Override
  public JsonObject snapshot() {
    JsonArray list = new JsonArray();
    for (Stored s : secrets.values()) {
      JsonObject o = core.json().toTree(s.secret);
      JsonArray versions = new JsonArray();
      s.versions.forEach(v -> versions.add(core.json().toTree(v)));
      o.add("versions", versions);
      list.add(o);
    }
    JsonObject out = new JsonObject();
    out.add("secrets", list);
    return out;
  }

  /** The snapshot plus the payloads (base64, by version name) and the IAM policies. */
  @Override
  public JsonObject save() {
    JsonObject out = snapshot();
    JsonObject payloads = new JsonObject();
    for (Stored s : secrets.values()) {
      for (int i = 0; i < s.versions.size(); i++) {
        payloads.addProperty(
            s.versions.get(i).getName(), Base64.getEncoder().encodeToString(s.payloads.get(i)));
      }
    }
    out.add("payloads", payloads);
    out.add("iam", iam.save(core.json()));
    return out;
  }

  @Override
  public void load(JsonObject saved) {
    JsonObject payloads = saved.getAsJsonObject("payloads");
    for (var tree : saved.getAsJsonArray("secrets")) {
      JsonObject secret = tree.getAsJsonObject().deepCopy();
      JsonArray versions = (JsonArray) secret.remove("versions");
      Stored s = new Stored(core.json().fromTree(secret, Secret.newBuilder(), "secret"));
      for (var v : versions) {
        SecretVersion.Builder version =
            core.json().fromTree(v, SecretVersion.newBuilder(), "secret version");
        s.versions.add(version);
        s.payloads.add(Base64.getDecoder().decode(payloads.get(version.getName()).getAsString()));
      }
      secrets.put(s.secret.getName(), s);
    }
    iam.load(saved.getAsJsonObject("iam"), core.json());
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = secrets.get(name);
    if (s == null) {
      return false;
    }
    s.secret = core.json().mergePatch(s.secret.build(), patch).toBuilder();
    return true;
  }

  @Override
  public void reset() {
    core.locked(
        () -> {
          secrets.clear();
          iam.reset();
        });
  }
}
