package dev.runwire.emulator.run.v1;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.InProcessRoutes;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloud Run Admin v1, the API {@code gcloud run} speaks: Knative-style services under {@code
 * /apis/serving.knative.dev/v1/namespaces/{project}/services} and jobs and executions under {@code
 * /apis/run.googleapis.com/v1/namespaces/{project}/...}, served on the regional host {@code
 * REGION-run.googleapis.com} (googleapis run v1 discovery document; gcloud derives the regional
 * host by prefixing the region to its endpoint's host). Every handler is a v2 call in-process plus
 * a {@link KnativeProjection}: there is no v1 state, so v1 and v2 clients always see one service.
 */
public final class RunV1Routes {

  private static final String SERVICES = "/apis/serving.knative.dev/v1/namespaces/{namespace}";
  private static final String JOBS = "/apis/run.googleapis.com/v1/namespaces/{namespace}";

  private static final String V1_SERVICE =
      "/v1/projects/{project}/locations/{location}/services/{service}";

  /** {@code us-central1-run.googleapis.com}, {@code us-central1-run.local}. */
  private static final Pattern REGIONAL_HOST = Pattern.compile("^([a-z]+-[a-z]+[0-9]+)-run\\..*");

  private final InProcessRoutes v2;

  public RunV1Routes(InProcessRoutes v2) {
    this.v2 = v2;
  }

  public void registerRoutes(Routes routes) {
    routes
        .get(SERVICES + "/services", this::listServices)
        .post(SERVICES + "/services", this::createService)
        .get(SERVICES + "/services/{service}", this::getService)
        .put(SERVICES + "/services/{service}", this::replaceService)
        .delete(SERVICES + "/services/{service}", this::deleteService)
        .get(SERVICES + "/revisions", this::listRevisions)
        .get(SERVICES + "/revisions/{revision}", this::getRevision)
        .get(JOBS + "/jobs", this::listJobs)
        .get(JOBS + "/jobs/{job}", this::getJob)
        .post(JOBS + "/jobs/{job}:run", this::runJob)
        .get(JOBS + "/executions", this::listExecutions)
        .get(JOBS + "/executions/{execution}", this::getExecution)
        .get("/v1/projects/{project}/locations", this::listLocations)
        .postRead(V1_SERVICE + ":testIamPermissions", this::testIamPermissions)
        .get(V1_SERVICE + ":getIamPolicy", r -> iam(r, "GET", ":getIamPolicy"))
        .post(V1_SERVICE + ":setIamPolicy", r -> iam(r, "POST", ":setIamPolicy"));
  }

  // ---- services ----

  private Reply listServices(ApiRequest r) {
    String ns = r.var("namespace");
    JsonArray items = new JsonArray();
    for (JsonObject s : listAll(location(r) + "/services", "services")) {
      items.add(KnativeProjection.service(s, ns));
    }
    return Reply.json(list(KnativeProjection.SERVING, "ServiceList", items));
  }

  private Reply getService(ApiRequest r) {
    return Reply.json(
        KnativeProjection.service(v2Service(r, r.var("service")), r.var("namespace")));
  }

  private Reply createService(ApiRequest r) {
    JsonObject in = body(r);
    String id = KnativeProjection.str(KnativeProjection.obj(in, "metadata"), "name");
    if (id.isEmpty()) {
      throw ApiException.invalidArgument("metadata.name", "is required: name the service");
    }
    JsonObject v2body =
        KnativeProjection.applyService(in, new JsonObject(), r.var("namespace"), region(r));
    v2.call("POST", location(r) + "/services", Map.of("serviceId", List.of(id)), v2body);
    return Reply.json(KnativeProjection.service(v2Service(r, id), r.var("namespace")));
  }

  /** ReplaceService: the whole v1 object; fields v1 does not carry keep their v2 values. */
  private Reply replaceService(ApiRequest r) {
    String id = r.var("service");
    JsonObject in = body(r);
    String named = KnativeProjection.str(KnativeProjection.obj(in, "metadata"), "name");
    if (!named.isEmpty() && !named.equals(id)) {
      throw ApiException.invalidArgument(
          "metadata.name", "'" + named + "' does not match the path's service " + id);
    }
    String name = location(r) + "/services/" + id;
    JsonObject current = v2.call("GET", name, Map.of(), null);
    JsonObject v2body = KnativeProjection.applyService(in, current, r.var("namespace"), region(r));
    v2.call("PATCH", name, Map.of(), v2body);
    return Reply.json(KnativeProjection.service(v2Service(r, id), r.var("namespace")));
  }

  private Reply deleteService(ApiRequest r) {
    v2.call("DELETE", location(r) + "/services/" + r.var("service"), Map.of(), null);
    JsonObject status = new JsonObject();
    status.addProperty("apiVersion", "v1");
    status.addProperty("kind", "Status");
    status.addProperty("status", "Success");
    return Reply.json(status);
  }

  /**
   * Revisions as far as the v2 state knows them: each service's latest created revision, with the
   * service's current template (the local cloud keeps no revision history). gcloud's update finds
   * its base revision by the template's nonce label, else by latestCreatedRevisionName
   * (serverless_operations._GetBaseRevision).
   */
  private Reply listRevisions(ApiRequest r) {
    Map<String, String> selector = labelSelector(r.query("labelSelector"));
    JsonArray items = new JsonArray();
    for (JsonObject s : listAll(location(r) + "/services", "services")) {
      JsonObject revision = KnativeProjection.revision(s, r.var("namespace"));
      JsonObject labels =
          KnativeProjection.obj(KnativeProjection.obj(revision, "metadata"), "labels");
      boolean matches =
          selector.entrySet().stream()
              .allMatch(e -> KnativeProjection.str(labels, e.getKey()).equals(e.getValue()));
      if (matches && revision.has("metadata")) {
        items.add(revision);
      }
    }
    return Reply.json(list(KnativeProjection.SERVING, "RevisionList", items));
  }

  private Reply getRevision(ApiRequest r) {
    String id = r.var("revision");
    for (JsonObject s : listAll(location(r) + "/services", "services")) {
      if (KnativeProjection.shortName(KnativeProjection.str(s, "latestCreatedRevision"))
          .equals(id)) {
        return Reply.json(KnativeProjection.revision(s, r.var("namespace")));
      }
    }
    throw ApiException.notFoundMessage(
        "Resource 'namespaces/" + r.var("namespace") + "/revisions/" + id + "' was not found");
  }

  private static Map<String, String> labelSelector(String selector) {
    Map<String, String> out = new LinkedHashMap<>();
    if (selector == null || selector.isBlank()) {
      return out;
    }
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      if (kv.length != 2) {
        throw ApiException.invalidArgument(
            "labelSelector", "'" + term + "' is not KEY=VALUE (the only form served locally)");
      }
      out.put(kv[0].trim(), kv[1].trim());
    }
    return out;
  }

  private JsonObject v2Service(ApiRequest r, String id) {
    return v2.call("GET", location(r) + "/services/" + id, Map.of(), null);
  }

  // ---- jobs and executions ----

  private Reply listJobs(ApiRequest r) {
    JsonArray items = new JsonArray();
    for (JsonObject j : listAll(location(r) + "/jobs", "jobs")) {
      items.add(KnativeProjection.job(j, r.var("namespace")));
    }
    return Reply.json(list(KnativeProjection.RUN, "JobsList", items));
  }

  private Reply getJob(ApiRequest r) {
    JsonObject job = v2.call("GET", location(r) + "/jobs/" + r.var("job"), Map.of(), null);
    return Reply.json(KnativeProjection.job(job, r.var("namespace")));
  }

  /** v1 {@code jobs:run} answers the new execution itself, not an operation. */
  private Reply runJob(ApiRequest r) {
    JsonObject in = r.hasBody() ? body(r) : new JsonObject();
    String job = location(r) + "/jobs/" + r.var("job");
    JsonObject op = v2.call("POST", job + ":run", Map.of(), KnativeProjection.runRequest(in));
    JsonObject execution = KnativeProjection.obj(op, "metadata");
    String name = KnativeProjection.str(execution, "name");
    JsonObject now = v2.call("GET", "/v2/" + name, Map.of(), null);
    return Reply.json(KnativeProjection.execution(now, r.var("namespace")));
  }

  private Reply listExecutions(ApiRequest r) {
    String job = jobSelector(r.query("labelSelector"));
    List<String> jobs = new ArrayList<>();
    if (job != null) {
      jobs.add(location(r) + "/jobs/" + job);
    } else {
      for (JsonObject j : listAll(location(r) + "/jobs", "jobs")) {
        jobs.add("/v2/" + KnativeProjection.str(j, "name"));
      }
    }
    List<JsonObject> executions = new ArrayList<>();
    for (String j : jobs) {
      executions.addAll(listAll(j + "/executions", "executions"));
    }
    // newest first, as Cloud Run lists them
    executions.sort(
        (a, b) ->
            KnativeProjection.str(b, "createTime")
                .compareTo(KnativeProjection.str(a, "createTime")));
    JsonArray items = new JsonArray();
    executions.forEach(e -> items.add(KnativeProjection.execution(e, r.var("namespace"))));
    return Reply.json(list(KnativeProjection.RUN, "ExecutionsList", items));
  }

  /**
   * A v1 execution name carries no job ({@code namespaces/P/executions/E}); v2 names nest under the
   * job, and v2 execution ids are {@code JOB-xxxxx}: try that job first, then every job.
   */
  private Reply getExecution(ApiRequest r) {
    String id = r.var("execution");
    List<String> candidates = new ArrayList<>();
    int dash = id.lastIndexOf('-');
    if (dash > 0) {
      candidates.add(location(r) + "/jobs/" + id.substring(0, dash));
    }
    for (JsonObject j : listAll(location(r) + "/jobs", "jobs")) {
      candidates.add("/v2/" + KnativeProjection.str(j, "name"));
    }
    for (String job : candidates) {
      try {
        JsonObject e = v2.call("GET", job + "/executions/" + id, Map.of(), null);
        return Reply.json(KnativeProjection.execution(e, r.var("namespace")));
      } catch (ApiException e) {
        if (e.httpStatus() != 404) {
          throw e;
        }
      }
    }
    throw ApiException.notFoundMessage(
        "Resource 'namespaces/" + r.var("namespace") + "/executions/" + id + "' was not found");
  }

  // ---- IAM (v1 keeps the v2-style resource paths for these) ----

  /**
   * Every permission asked for is granted: the local cloud has no callers to tell apart. gcloud
   * asks before deploy, also for a service that does not exist yet, whether it may set the invoker
   * policy (run.services.setIamPolicy); permissions are then checked on the project.
   */
  private Reply testIamPermissions(ApiRequest r) {
    JsonObject out = new JsonObject();
    out.add("permissions", KnativeProjection.arr(body(r), "permissions").deepCopy());
    return Reply.json(out);
  }

  private Reply iam(ApiRequest r, String method, String verb) {
    JsonObject in = r.hasBody() ? body(r) : null;
    return Reply.json(v2.call(method, v2ServicePath(r) + verb, r.queryMap(), in));
  }

  private static String v2ServicePath(ApiRequest r) {
    return "/v2/projects/"
        + r.var("project")
        + "/locations/"
        + r.var("location")
        + "/services/"
        + r.var("service");
  }

  // ---- locations ----

  private Reply listLocations(ApiRequest r) {
    JsonArray locations = new JsonArray();
    for (String region : Regions.autoModeSubnets().keySet().stream().sorted().toList()) {
      JsonObject l = new JsonObject();
      l.addProperty("name", "projects/" + r.var("project") + "/locations/" + region);
      l.addProperty("locationId", region);
      l.addProperty("displayName", region);
      locations.add(l);
    }
    JsonObject out = new JsonObject();
    out.add("locations", locations);
    return Reply.json(out);
  }

  // ---- shared ----

  /** Every page of a v2 list. */
  private List<JsonObject> listAll(String collection, String field) {
    List<JsonObject> out = new ArrayList<>();
    String token = "";
    do {
      Map<String, List<String>> query = new LinkedHashMap<>();
      if (!token.isEmpty()) {
        query.put("pageToken", List.of(token));
      }
      JsonObject page = v2.call("GET", collection, query, null);
      for (JsonElement e : KnativeProjection.arr(page, field)) {
        out.add(e.getAsJsonObject());
      }
      token = KnativeProjection.str(page, "nextPageToken");
    } while (!token.isEmpty());
    return out;
  }

  private static JsonObject list(String apiVersion, String kind, JsonArray items) {
    JsonObject out = new JsonObject();
    out.addProperty("apiVersion", apiVersion);
    out.addProperty("kind", kind);
    out.add("metadata", new JsonObject());
    out.add("items", items);
    out.add("unreachable", new JsonArray());
    return out;
  }

  /** {@code run.googleapis.com/job=NAME} (the selector gcloud sends for {@code --job}). */
  static String jobSelector(String selector) {
    if (selector == null || selector.isBlank()) {
      return null;
    }
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      if (kv.length == 2 && kv[0].trim().equals(KnativeProjection.JOB_LABEL)) {
        return kv[1].trim();
      }
    }
    throw ApiException.invalidArgument(
        "labelSelector",
        "'" + selector + "' is not supported locally; use " + KnativeProjection.JOB_LABEL + "=JOB");
  }

  private static String location(ApiRequest r) {
    return "/v2/projects/" + r.var("namespace") + "/locations/" + region(r);
  }

  /** The region of a regional v1 request, from the host it addressed. */
  static String region(ApiRequest r) {
    Matcher m = REGIONAL_HOST.matcher(r.host());
    if (m.matches()) {
      return m.group(1);
    }
    throw ApiException.badRequest(
        "Cloud Run Admin v1 is served on regional endpoints: address REGION-run.googleapis.com"
            + " (the local cloud: REGION-run.local through its proxy port; gcloud: pass --region),"
            + " not '"
            + r.host()
            + "'");
  }

  private static JsonObject body(ApiRequest r) {
    try {
      return JsonParser.parseString(new String(r.rawBody(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("The request body is not a JSON object: " + e.getMessage());
    }
  }
}
