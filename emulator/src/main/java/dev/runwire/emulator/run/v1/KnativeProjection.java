package dev.runwire.emulator.run.v1;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.emulator.core.ApiException;
import java.util.Map;
import java.util.Set;

/**
 * Cloud Run Admin v1 (Knative-style) objects as a projection of the v2 resources the local cloud
 * stores, and v1 writes as changes to those v2 resources. Only this class knows both shapes.
 *
 * <p>Shapes: googleapis run v1 discovery document ({@code run_v1_messages.py} in gcloud's generated
 * client): {@code Service{apiVersion,kind,metadata:ObjectMeta,spec:ServiceSpec,status}}, {@code
 * RevisionTemplate{metadata,spec:RevisionSpec}}, {@code Job}, {@code Execution}, conditions {@code
 * {type,status:"True"|"False"|"Unknown",reason,message,lastTransitionTime}}. Annotations:
 * cloud.google.com/run/docs/reference/rest/v1/RevisionTemplate ({@code
 * run.googleapis.com/vpc-access-connector}, {@code run.googleapis.com/vpc-access-egress}: {@code
 * all-traffic} | {@code private-ranges-only}, {@code run.googleapis.com/network-interfaces}: a JSON
 * list of {@code {network,subnetwork,tags}}, {@code autoscaling.knative.dev/maxScale}); service
 * {@code run.googleapis.com/ingress}: {@code all} | {@code internal} | {@code
 * internal-and-cloud-load-balancing}.
 */
final class KnativeProjection {

  static final String SERVING = "serving.knative.dev/v1";
  static final String RUN = "run.googleapis.com/v1";
  static final String CONNECTOR = "run.googleapis.com/vpc-access-connector";
  static final String EGRESS = "run.googleapis.com/vpc-access-egress";
  static final String INTERFACES = "run.googleapis.com/network-interfaces";
  static final String INGRESS = "run.googleapis.com/ingress";
  static final String MAX_SCALE = "autoscaling.knative.dev/maxScale";
  static final String MIN_SCALE = "autoscaling.knative.dev/minScale";
  static final String JOB_LABEL = "run.googleapis.com/job";

  private static final Map<String, String> INGRESS_V1 =
      Map.of(
          "INGRESS_TRAFFIC_ALL", "all",
          "INGRESS_TRAFFIC_INTERNAL_ONLY", "internal",
          "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "internal-and-cloud-load-balancing");
  private static final Map<String, String> EGRESS_V1 =
      Map.of("ALL_TRAFFIC", "all-traffic", "PRIVATE_RANGES_ONLY", "private-ranges-only");

  /** Annotations that map to v2 fields (or are set by clients and servers): not copied as-is. */
  private static final Set<String> MAPPED_PREFIXES =
      Set.of("run.googleapis.com/", "client.knative.dev/", "serving.knative.dev/");

  private KnativeProjection() {}

  // ---- services ----

  static JsonObject service(JsonObject v2, String namespace) {
    JsonObject out = new JsonObject();
    out.addProperty("apiVersion", SERVING);
    out.addProperty("kind", "Service");
    JsonObject meta = metadata(v2, namespace, shortName(str(v2, "name")));
    JsonObject annotations = meta.getAsJsonObject("annotations");
    String ingress = INGRESS_V1.get(str(v2, "ingress"));
    annotations.addProperty(INGRESS, ingress == null ? "all" : ingress);
    annotations.addProperty("run.googleapis.com/ingress-status", ingress == null ? "all" : ingress);
    copy(v2, "lastModifier", annotations, "serving.knative.dev/lastModifier");
    copy(v2, "creator", annotations, "serving.knative.dev/creator");
    out.add("metadata", meta);

    JsonObject template = obj(v2, "template");
    JsonObject tMeta = new JsonObject();
    if (template.has("revision")) {
      tMeta.addProperty("name", str(template, "revision"));
    }
    JsonObject tAnn = copyPlainAnnotations(obj(template, "annotations"));
    JsonObject scaling = obj(template, "scaling");
    if (scaling.has("maxInstanceCount")) {
      tAnn.addProperty(MAX_SCALE, String.valueOf(scaling.get("maxInstanceCount").getAsInt()));
    }
    if (scaling.has("minInstanceCount")) {
      tAnn.addProperty(MIN_SCALE, String.valueOf(scaling.get("minInstanceCount").getAsInt()));
    }
    vpcAnnotations(obj(template, "vpcAccess"), tAnn);
    tMeta.add("annotations", tAnn);
    tMeta.add("labels", obj(template, "labels").deepCopy());
    JsonObject tSpec = new JsonObject();
    if (template.has("maxInstanceRequestConcurrency")) {
      tSpec.add("containerConcurrency", template.get("maxInstanceRequestConcurrency"));
    }
    if (template.has("timeout")) {
      tSpec.addProperty("timeoutSeconds", seconds(str(template, "timeout")));
    }
    if (template.has("serviceAccount")) {
      tSpec.addProperty("serviceAccountName", str(template, "serviceAccount"));
    }
    tSpec.add("containers", containers(arr(template, "containers")));
    JsonObject revisionTemplate = new JsonObject();
    revisionTemplate.add("metadata", tMeta);
    revisionTemplate.add("spec", tSpec);
    JsonObject spec = new JsonObject();
    spec.add("template", revisionTemplate);
    JsonArray traffic = new JsonArray();
    for (JsonElement t : arr(v2, "traffic")) {
      traffic.add(traffic(t.getAsJsonObject()));
    }
    spec.add("traffic", traffic);
    out.add("spec", spec);

    JsonObject status = new JsonObject();
    status.addProperty("observedGeneration", num(v2, "observedGeneration"));
    JsonArray conditions = new JsonArray();
    boolean reconciling = v2.has("reconciling") && v2.get("reconciling").getAsBoolean();
    JsonObject ready = condition(obj(v2, "terminalCondition"), reconciling);
    ready.addProperty("type", "Ready");
    conditions.add(ready);
    // gcloud's deploy waits on Ready and its stages ConfigurationsReady and RoutesReady
    // (command_lib/run/stages.py); locally they move together with the v2 terminal condition.
    for (String type : new String[] {"ConfigurationsReady", "RoutesReady"}) {
      JsonObject c = ready.deepCopy();
      c.addProperty("type", type);
      conditions.add(c);
    }
    status.add("conditions", conditions);
    if (v2.has("latestReadyRevision")) {
      status.addProperty("latestReadyRevisionName", shortName(str(v2, "latestReadyRevision")));
    }
    if (v2.has("latestCreatedRevision")) {
      status.addProperty("latestCreatedRevisionName", shortName(str(v2, "latestCreatedRevision")));
    }
    JsonArray statusTraffic = new JsonArray();
    for (JsonElement t : arr(v2, "trafficStatuses")) {
      statusTraffic.add(traffic(t.getAsJsonObject()));
    }
    status.add("traffic", statusTraffic);
    if (v2.has("uri")) {
      status.addProperty("url", str(v2, "uri"));
      JsonObject address = new JsonObject();
      address.addProperty("url", str(v2, "uri"));
      status.add("address", address);
    }
    out.add("status", status);
    return out;
  }

  /** The service's latest created revision, from its current template; empty when none yet. */
  static JsonObject revision(JsonObject v2, String namespace) {
    String name = shortName(str(v2, "latestCreatedRevision"));
    if (name.isEmpty()) {
      return new JsonObject();
    }
    JsonObject service = service(v2, namespace);
    JsonObject template = obj(obj(service, "spec"), "template");
    JsonObject out = new JsonObject();
    out.addProperty("apiVersion", SERVING);
    out.addProperty("kind", "Revision");
    JsonObject meta = obj(template, "metadata").deepCopy();
    meta.addProperty("name", name);
    meta.addProperty("namespace", namespace);
    JsonObject labels = obj(meta, "labels");
    String serviceId = shortName(str(v2, "name"));
    labels.addProperty("serving.knative.dev/service", serviceId);
    labels.addProperty("serving.knative.dev/configuration", serviceId);
    labels.add(
        "cloud.googleapis.com/location",
        obj(obj(service, "metadata"), "labels").get("cloud.googleapis.com/location"));
    meta.add("labels", labels);
    copy(v2, "updateTime", meta, "creationTimestamp");
    out.add("metadata", meta);
    out.add("spec", obj(template, "spec").deepCopy());
    JsonObject status = new JsonObject();
    boolean ready = name.equals(shortName(str(v2, "latestReadyRevision")));
    JsonObject serviceReady = arr(obj(service, "status"), "conditions").get(0).getAsJsonObject();
    JsonObject condition = serviceReady.deepCopy();
    if (ready) {
      condition.addProperty("status", "True");
    }
    JsonArray conditions = new JsonArray();
    conditions.add(condition);
    status.add("conditions", conditions);
    status.addProperty("observedGeneration", 1);
    out.add("status", status);
    return out;
  }

  /**
   * Applies a v1 service (a create or a ReplaceService body) to {@code v2} (the stored service, or
   * an empty object for a create): only the fields v1 carries change, the rest stays.
   */
  static JsonObject applyService(JsonObject v1, JsonObject v2, String project, String region) {
    JsonObject out = v2.deepCopy();
    for (String outputOnly :
        new String[] {
          "uid",
          "generation",
          "createTime",
          "updateTime",
          "creator",
          "lastModifier",
          "observedGeneration",
          "terminalCondition",
          "conditions",
          "latestReadyRevision",
          "latestCreatedRevision",
          "trafficStatuses",
          "uri",
          "urls",
          "reconciling",
          "etag",
          "name",
          "deleteTime",
          "expireTime"
        }) {
      out.remove(outputOnly);
    }
    JsonObject meta = obj(v1, "metadata");
    out.add("labels", plainLabels(obj(meta, "labels")));
    JsonObject ann = obj(meta, "annotations");
    copy(ann, "run.googleapis.com/client-name", out, "client");
    copy(ann, "run.googleapis.com/client-version", out, "clientVersion");
    if (ann.has(INGRESS)) {
      String ingress = key(INGRESS_V1, str(ann, INGRESS));
      if (ingress == null) {
        throw ApiException.invalidArgument(
            "metadata.annotations[" + INGRESS + "]",
            "'"
                + str(ann, INGRESS)
                + "' is not one of all, internal,"
                + " internal-and-cloud-load-balancing");
      }
      out.addProperty("ingress", ingress);
    }
    JsonObject t1 = obj(obj(v1, "spec"), "template");
    JsonObject tMeta = obj(t1, "metadata");
    JsonObject tSpec = obj(t1, "spec");
    JsonObject template = obj(out, "template").deepCopy();
    if (tMeta.has("name")) {
      template.addProperty("revision", str(tMeta, "name"));
    } else {
      template.remove("revision");
    }
    JsonObject tAnn = obj(tMeta, "annotations");
    template.add("annotations", copyPlainAnnotations(tAnn));
    template.add("labels", plainLabels(obj(tMeta, "labels")));
    JsonObject scaling = obj(template, "scaling").deepCopy();
    scale(tAnn, MAX_SCALE, "maxInstanceCount", scaling);
    scale(tAnn, MIN_SCALE, "minInstanceCount", scaling);
    template.add("scaling", scaling);
    template.add("vpcAccess", vpcAccess(tAnn, project, region));
    if (tSpec.has("containerConcurrency")) {
      template.add("maxInstanceRequestConcurrency", tSpec.get("containerConcurrency"));
    }
    if (tSpec.has("timeoutSeconds")) {
      template.addProperty("timeout", tSpec.get("timeoutSeconds").getAsLong() + "s");
    }
    if (tSpec.has("serviceAccountName")) {
      template.addProperty("serviceAccount", str(tSpec, "serviceAccountName"));
    }
    template.add(
        "containers",
        containersV2(arr(tSpec, "containers"), arr(template, "containers"), "spec.template.spec"));
    out.add("template", template);
    if (!arr(obj(v1, "spec"), "traffic").isEmpty()) {
      JsonArray traffic = new JsonArray();
      for (JsonElement t : arr(obj(v1, "spec"), "traffic")) {
        traffic.add(trafficV2(t.getAsJsonObject()));
      }
      out.add("traffic", traffic);
    }
    return out;
  }

  // ---- jobs and executions ----

  static JsonObject job(JsonObject v2, String namespace) {
    JsonObject out = new JsonObject();
    out.addProperty("apiVersion", RUN);
    out.addProperty("kind", "Job");
    out.add("metadata", metadata(v2, namespace, shortName(str(v2, "name"))));
    JsonObject template = obj(v2, "template");
    JsonObject eMeta = new JsonObject();
    eMeta.add("annotations", copyPlainAnnotations(obj(template, "annotations")));
    eMeta.add("labels", obj(template, "labels").deepCopy());
    JsonObject execTemplate = new JsonObject();
    execTemplate.add("metadata", eMeta);
    execTemplate.add("spec", executionSpec(template));
    JsonObject spec = new JsonObject();
    spec.add("template", execTemplate);
    out.add("spec", spec);
    JsonObject status = new JsonObject();
    status.addProperty("observedGeneration", num(v2, "observedGeneration"));
    boolean reconciling = v2.has("reconciling") && v2.get("reconciling").getAsBoolean();
    JsonObject ready = condition(obj(v2, "terminalCondition"), reconciling);
    ready.addProperty("type", "Ready");
    JsonArray conditions = new JsonArray();
    conditions.add(ready);
    status.add("conditions", conditions);
    status.addProperty("executionCount", num(v2, "executionCount"));
    JsonObject latest = obj(v2, "latestCreatedExecution");
    if (latest.has("name")) {
      JsonObject ref = new JsonObject();
      ref.addProperty("name", shortName(str(latest, "name")));
      copy(latest, "createTime", ref, "creationTimestamp");
      copy(latest, "completionTime", ref, "completionTimestamp");
      String completion = str(latest, "completionStatus");
      if (!completion.isEmpty()) {
        ref.addProperty("completionStatus", completion);
      }
      status.add("latestCreatedExecution", ref);
    }
    out.add("status", status);
    return out;
  }

  static JsonObject execution(JsonObject v2, String namespace) {
    JsonObject out = new JsonObject();
    out.addProperty("apiVersion", RUN);
    out.addProperty("kind", "Execution");
    JsonObject meta = metadata(v2, namespace, shortName(str(v2, "name")));
    String job = str(v2, "job");
    meta.getAsJsonObject("labels").addProperty(JOB_LABEL, job);
    meta.getAsJsonObject("labels").addProperty("run.googleapis.com/jobUid", "");
    JsonObject owner = new JsonObject();
    owner.addProperty("kind", "Job");
    owner.addProperty("name", job);
    owner.addProperty("apiVersion", RUN);
    owner.addProperty("controller", true);
    owner.addProperty("blockOwnerDeletion", true);
    JsonArray owners = new JsonArray();
    owners.add(owner);
    meta.add("ownerReferences", owners);
    out.add("metadata", meta);
    out.add("spec", executionSpec(v2));
    JsonObject status = new JsonObject();
    status.addProperty("observedGeneration", num(v2, "observedGeneration"));
    JsonArray conditions = new JsonArray();
    for (JsonElement c : arr(v2, "conditions")) {
      conditions.add(condition(c.getAsJsonObject(), false));
    }
    status.add("conditions", conditions);
    copy(v2, "startTime", status, "startTime");
    copy(v2, "completionTime", status, "completionTime");
    for (String count :
        new String[] {
          "runningCount", "succeededCount", "failedCount", "cancelledCount", "retriedCount"
        }) {
      if (v2.has(count)) {
        status.addProperty(count, v2.get(count).getAsInt());
      }
    }
    copy(v2, "logUri", status, "logUri");
    out.add("status", status);
    return out;
  }

  /** A v1 RunJobRequest as the v2 {@code jobs:run} body. */
  static JsonObject runRequest(JsonObject v1) {
    JsonObject out = new JsonObject();
    JsonObject o1 = obj(v1, "overrides");
    if (o1.size() == 0) {
      return out;
    }
    JsonObject o2 = new JsonObject();
    JsonArray containers = new JsonArray();
    int i = 0;
    for (JsonElement e : arr(o1, "containerOverrides")) {
      JsonObject c1 = e.getAsJsonObject();
      JsonObject c2 = new JsonObject();
      copy(c1, "name", c2, "name");
      copy(c1, "args", c2, "args");
      copy(c1, "clearArgs", c2, "clearArgs");
      if (c1.has("env")) {
        c2.add("env", envV2(arr(c1, "env"), "overrides.containerOverrides[" + i + "].env"));
      }
      containers.add(c2);
      i++;
    }
    if (!containers.isEmpty()) {
      o2.add("containerOverrides", containers);
    }
    copy(o1, "taskCount", o2, "taskCount");
    if (o1.has("timeoutSeconds")) {
      o2.addProperty("timeout", o1.get("timeoutSeconds").getAsLong() + "s");
    }
    out.add("overrides", o2);
    return out;
  }

  // ---- shared pieces ----

  private static JsonObject metadata(JsonObject v2, String namespace, String name) {
    JsonObject meta = new JsonObject();
    meta.addProperty("name", name);
    meta.addProperty("namespace", namespace);
    copy(v2, "uid", meta, "uid");
    meta.addProperty("generation", num(v2, "generation"));
    meta.addProperty("resourceVersion", str(v2, "etag").replace("\"", ""));
    copy(v2, "createTime", meta, "creationTimestamp");
    copy(v2, "deleteTime", meta, "deletionTimestamp");
    JsonObject labels = obj(v2, "labels").deepCopy();
    String[] parts = str(v2, "name").split("/");
    if (parts.length > 3) {
      // gcloud's REGION columns read this label (api_lib/run/k8s_object.py: REGION_LABEL).
      labels.addProperty("cloud.googleapis.com/location", parts[3]);
    }
    meta.add("labels", labels);
    JsonObject annotations = copyPlainAnnotations(obj(v2, "annotations"));
    copy(v2, "creator", annotations, "run.googleapis.com/creator");
    copy(v2, "lastModifier", annotations, "run.googleapis.com/lastModifier");
    meta.add("annotations", annotations);
    return meta;
  }

  private static JsonObject executionSpec(JsonObject v2) {
    JsonObject spec = new JsonObject();
    copy(v2, "parallelism", spec, "parallelism");
    copy(v2, "taskCount", spec, "taskCount");
    JsonObject task = obj(v2, "template");
    JsonObject taskSpec = new JsonObject();
    taskSpec.add("containers", containers(arr(task, "containers")));
    copy(task, "maxRetries", taskSpec, "maxRetries");
    if (task.has("timeout")) {
      taskSpec.addProperty("timeoutSeconds", String.valueOf(seconds(str(task, "timeout"))));
    }
    copy(task, "serviceAccount", taskSpec, "serviceAccountName");
    JsonObject taskTemplate = new JsonObject();
    taskTemplate.add("spec", taskSpec);
    spec.add("template", taskTemplate);
    return spec;
  }

  private static void vpcAnnotations(JsonObject vpc, JsonObject annotations) {
    if (vpc.has("connector")) {
      annotations.addProperty(CONNECTOR, str(vpc, "connector"));
    }
    if (vpc.has("networkInterfaces") && !arr(vpc, "networkInterfaces").isEmpty()) {
      annotations.addProperty(INTERFACES, arr(vpc, "networkInterfaces").toString());
    }
    String egress = EGRESS_V1.get(str(vpc, "egress"));
    if (egress != null && (vpc.has("connector") || vpc.has("networkInterfaces"))) {
      annotations.addProperty(EGRESS, egress);
    }
  }

  private static JsonObject vpcAccess(JsonObject annotations, String project, String region) {
    JsonObject vpc = new JsonObject();
    if (annotations.has(CONNECTOR) && !str(annotations, CONNECTOR).isEmpty()) {
      String connector = str(annotations, CONNECTOR);
      // gcloud passes --vpc-connector as given; Cloud Run resolves a short name in the service's
      // project and region (v2 vpcAccess.connector: projects/P/locations/L/connectors/C).
      vpc.addProperty(
          "connector",
          connector.contains("/")
              ? connector
              : "projects/" + project + "/locations/" + region + "/connectors/" + connector);
    }
    if (annotations.has(INTERFACES) && !str(annotations, INTERFACES).isEmpty()) {
      try {
        vpc.add("networkInterfaces", JsonParser.parseString(str(annotations, INTERFACES)));
      } catch (RuntimeException e) {
        throw ApiException.invalidArgument(
            "spec.template.metadata.annotations[" + INTERFACES + "]",
            "must be a JSON list of {network, subnetwork, tags}");
      }
    }
    if (annotations.has(EGRESS)) {
      String egress = key(EGRESS_V1, str(annotations, EGRESS));
      if (egress == null) {
        throw ApiException.invalidArgument(
            "spec.template.metadata.annotations[" + EGRESS + "]",
            "'" + str(annotations, EGRESS) + "' is not all-traffic or private-ranges-only");
      }
      vpc.addProperty("egress", egress);
    }
    return vpc;
  }

  private static JsonArray containers(JsonArray v2) {
    JsonArray out = new JsonArray();
    for (JsonElement e : v2) {
      JsonObject c2 = e.getAsJsonObject();
      JsonObject c1 = new JsonObject();
      for (String same : new String[] {"name", "image", "command", "args", "workingDir"}) {
        copy(c2, same, c1, same);
      }
      JsonArray env = new JsonArray();
      for (JsonElement v : arr(c2, "env")) {
        JsonObject e2 = v.getAsJsonObject();
        JsonObject e1 = new JsonObject();
        e1.addProperty("name", str(e2, "name"));
        JsonObject ref = obj(obj(e2, "valueSource"), "secretKeyRef");
        if (ref.has("secret")) {
          JsonObject ref1 = new JsonObject();
          ref1.addProperty("name", str(ref, "secret"));
          ref1.addProperty("key", ref.has("version") ? str(ref, "version") : "latest");
          JsonObject from = new JsonObject();
          from.add("secretKeyRef", ref1);
          e1.add("valueFrom", from);
        } else {
          e1.addProperty("value", str(e2, "value"));
        }
        env.add(e1);
      }
      c1.add("env", env);
      JsonArray ports = new JsonArray();
      for (JsonElement p : arr(c2, "ports")) {
        ports.add(p.deepCopy());
      }
      c1.add("ports", ports);
      JsonObject limits = obj(obj(c2, "resources"), "limits");
      if (limits.size() > 0) {
        JsonObject resources = new JsonObject();
        resources.add("limits", limits.deepCopy());
        c1.add("resources", resources);
      }
      out.add(c1);
    }
    return out;
  }

  /** v1 containers onto the stored v2 ones (same index): the fields v1 carries replace. */
  private static JsonArray containersV2(JsonArray v1, JsonArray stored, String field) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < v1.size(); i++) {
      JsonObject c1 = v1.get(i).getAsJsonObject();
      JsonObject c2 =
          i < stored.size() ? stored.get(i).getAsJsonObject().deepCopy() : new JsonObject();
      for (String same : new String[] {"name", "image", "command", "args", "workingDir"}) {
        c2.remove(same);
        copy(c1, same, c2, same);
      }
      c2.add("env", envV2(arr(c1, "env"), field + ".containers[" + i + "].env"));
      JsonArray ports = new JsonArray();
      for (JsonElement p : arr(c1, "ports")) {
        JsonObject p1 = p.getAsJsonObject();
        JsonObject p2 = new JsonObject();
        copy(p1, "name", p2, "name");
        copy(p1, "containerPort", p2, "containerPort");
        ports.add(p2);
      }
      c2.add("ports", ports);
      JsonObject limits = obj(obj(c1, "resources"), "limits");
      if (limits.size() > 0) {
        JsonObject resources = obj(c2, "resources").deepCopy();
        resources.add("limits", limits.deepCopy());
        c2.add("resources", resources);
      }
      out.add(c2);
    }
    return out;
  }

  private static JsonArray envV2(JsonArray v1, String field) {
    JsonArray out = new JsonArray();
    int i = 0;
    for (JsonElement v : v1) {
      JsonObject e1 = v.getAsJsonObject();
      JsonObject e2 = new JsonObject();
      e2.addProperty("name", str(e1, "name"));
      JsonObject ref = obj(obj(e1, "valueFrom"), "secretKeyRef");
      if (ref.size() > 0) {
        if (!ref.has("name")) {
          throw ApiException.invalidArgument(
              field + "[" + i + "].valueFrom.secretKeyRef.name", "is required: name the secret");
        }
        JsonObject ref2 = new JsonObject();
        ref2.addProperty("secret", str(ref, "name"));
        ref2.addProperty("version", ref.has("key") ? str(ref, "key") : "latest");
        JsonObject source = new JsonObject();
        source.add("secretKeyRef", ref2);
        e2.add("valueSource", source);
      } else {
        e2.addProperty("value", str(e1, "value"));
      }
      out.add(e2);
      i++;
    }
    return out;
  }

  private static JsonObject traffic(JsonObject v2) {
    JsonObject t = new JsonObject();
    String type = str(v2, "type");
    if (type.equals("TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST")) {
      t.addProperty("latestRevision", true);
    }
    if (v2.has("revision")) {
      t.addProperty("revisionName", shortName(str(v2, "revision")));
    }
    t.addProperty("percent", num(v2, "percent"));
    copy(v2, "tag", t, "tag");
    copy(v2, "uri", t, "url");
    return t;
  }

  private static JsonObject trafficV2(JsonObject v1) {
    JsonObject t = new JsonObject();
    boolean latest = v1.has("latestRevision") && v1.get("latestRevision").getAsBoolean();
    t.addProperty(
        "type",
        latest
            ? "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
            : "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION");
    copy(v1, "revisionName", t, "revision");
    copy(v1, "percent", t, "percent");
    copy(v1, "tag", t, "tag");
    return t;
  }

  /** A v2 condition as v1: state names become "True" / "False" / "Unknown". */
  private static JsonObject condition(JsonObject v2, boolean reconciling) {
    JsonObject c = new JsonObject();
    copy(v2, "type", c, "type");
    String state = str(v2, "state");
    String status =
        reconciling
            ? "Unknown"
            : switch (state) {
              case "CONDITION_SUCCEEDED" -> "True";
              case "CONDITION_FAILED" -> "False";
              default -> "Unknown";
            };
    c.addProperty("status", status);
    String reason = str(v2, "reason");
    if (reason.isEmpty()) {
      reason = str(v2, "executionReason");
    }
    if (!reason.isEmpty() && !reason.endsWith("UNDEFINED")) {
      c.addProperty("reason", reason);
    }
    copy(v2, "message", c, "message");
    copy(v2, "lastTransitionTime", c, "lastTransitionTime");
    if (v2.has("severity")) {
      String severity = str(v2, "severity");
      c.addProperty(
          "severity",
          severity.isEmpty() ? "" : severity.charAt(0) + severity.substring(1).toLowerCase());
    }
    return c;
  }

  private static void scale(JsonObject annotations, String key, String field, JsonObject out) {
    if (!annotations.has(key)) {
      return;
    }
    try {
      out.addProperty(field, Integer.parseInt(str(annotations, key)));
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument(
          "spec.template.metadata.annotations[" + key + "]",
          "'" + str(annotations, key) + "' is not a whole number");
    }
  }

  private static JsonObject copyPlainAnnotations(JsonObject in) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, JsonElement> e : in.entrySet()) {
      if (MAPPED_PREFIXES.stream().noneMatch(e.getKey()::startsWith)
          && !e.getKey().startsWith("autoscaling.knative.dev/")) {
        out.add(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  /** Labels without the server-managed {@code cloud.googleapis.com/} ones. */
  private static JsonObject plainLabels(JsonObject in) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, JsonElement> e : in.entrySet()) {
      if (!e.getKey().startsWith("cloud.googleapis.com/")
          && !e.getKey().startsWith("run.googleapis.com/")) {
        out.add(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  static String shortName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static long seconds(String duration) {
    String s = duration.endsWith("s") ? duration.substring(0, duration.length() - 1) : duration;
    return (long) Double.parseDouble(s.isEmpty() ? "0" : s);
  }

  private static String key(Map<String, String> map, String value) {
    return map.entrySet().stream()
        .filter(e -> e.getValue().equals(value))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  private static void copy(JsonObject from, String key, JsonObject to, String as) {
    if (from.has(key) && !from.get(key).isJsonNull()) {
      to.add(as, from.get(key).deepCopy());
    }
  }

  static JsonObject obj(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonObject() ? o.getAsJsonObject(key) : new JsonObject();
  }

  static JsonArray arr(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonArray() ? o.getAsJsonArray(key) : new JsonArray();
  }

  static String str(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "";
  }

  private static long num(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsLong() : 0;
  }
}
