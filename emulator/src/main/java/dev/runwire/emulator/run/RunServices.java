package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ListServicesResponse;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.FieldMaskUtil;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.JsonMergePatch;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Pages;
import dev.runwire.emulator.core.Projects;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Cloud Run services: create / get / list / update (update mask, allowMissing) / delete. A change
 * of spec bumps {@code generation}; a change of template makes a new revision; the service is
 * {@code reconciling} for the profile's duration, then ready with {@code observedGeneration},
 * {@code latestReadyRevision} and {@code uri}. A mapped image really runs (see {@link
 * ServiceProcesses}).
 */
final class RunServices {

  static final LatencyKey CREATE = LatencyKey.of("run.service.create", Duration.ofSeconds(30));
  static final LatencyKey UPDATE = LatencyKey.of("run.service.update", Duration.ofSeconds(25));
  static final LatencyKey DELETE = LatencyKey.of("run.service.delete", Duration.ofSeconds(10));

  private static final Pattern SERVICE_ID = Pattern.compile("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$");
  private static final List<String> SPEC =
      List.of(
          "description",
          "labels",
          "annotations",
          "client",
          "client_version",
          "ingress",
          "launch_stage",
          "binary_authorization",
          "template",
          "traffic",
          "scaling",
          "invoker_iam_disabled",
          "default_uri_disabled",
          "custom_audiences",
          "iap_enabled",
          "multi_region_settings",
          "build_config");
  private static final String CREATOR = "local-user@runwire.dev";

  /** A service, its revision counter and its in-flight operation. */
  private static final class Stored {
    Service.Builder service;
    int revisions;

    Stored(Service.Builder service) {
      this.service = service;
    }
  }

  private final CloudCore core;
  private final RevisionChecks checks;
  private final RunIam iam;
  private final ServiceProcesses processes;
  private final Map<String, Stored> services = new TreeMap<>();

  RunServices(CloudCore core, RevisionChecks checks, RunIam iam) {
    this.core = core;
    this.checks = checks;
    this.iam = iam;
    this.processes = new ServiceProcesses(core);
  }

  void registerRoutes(Routes routes) {
    String parent = "/v2/projects/{project}/locations/{location}/services";
    String service = parent + "/{service}";
    routes
        .post(parent, this::create)
        .get(parent, this::list)
        .get(service, this::get)
        .patch(service, this::update)
        .delete(service, this::delete)
        .get(service + ":getIamPolicy", r -> iam.get(require(nameOf(r)).service.getName()))
        .post(service + ":setIamPolicy", r -> iam.set(require(nameOf(r)).service.getName(), r));
  }

  private Reply create(ApiRequest request) {
    String id = request.query("serviceId");
    if (id == null || id.isEmpty()) {
      throw ApiException.invalidArgument(
          "serviceId", "required: add ?serviceId=NAME to the create request");
    }
    Service in = request.body(Service.newBuilder(), "service").build();
    return createService(
        request.var("project"), request.var("location"), id, in, request.queryFlag("validateOnly"));
  }

  private Reply createService(
      String project, String location, String id, Service in, boolean validateOnly) {
    if (!SERVICE_ID.matcher(id).matches()) {
      throw ApiException.invalidArgument(
          "serviceId",
          "'"
              + id
              + "' must be at most 49 lowercase letters, digits and hyphens, start with a letter"
              + " and not end with a hyphen");
    }
    Regions.require("parent", location);
    String parent = "projects/" + project + "/locations/" + location;
    String name = parent + "/services/" + id;
    if (services.containsKey(name)) {
      throw ApiException.alreadyExists(name);
    }
    Service.Builder spec = Service.newBuilder();
    Specs.copy(in, spec, SPEC);
    checkAndComplete(spec, project, location);
    Stored s = new Stored(spec);
    String revision = nextRevision(s, name, spec.getTemplate().getRevision());
    spec.setName(name)
        .setUid(core.ids().uuid())
        .setGeneration(1)
        .setCreateTime(core.now())
        .setUpdateTime(core.now())
        .setCreator(CREATOR)
        .setLastModifier(CREATOR)
        .setLatestCreatedRevision(revision);
    markReconciling(spec);
    spec.setEtag(Specs.etag(spec.build()));
    String op = core.operations().start("run", parent, spec.build());
    if (validateOnly) {
      core.operations().succeed(op, spec.build(), spec.build());
      return core.operations().reply(op);
    }
    services.put(name, s);
    long generation = spec.getGeneration();
    core.transitions().after(core.duration(CREATE), () -> reconcile(name, s, op, generation));
    return core.operations().reply(op);
  }

  private Reply get(ApiRequest request) {
    return Reply.of(require(nameOf(request)).service.build());
  }

  private Reply list(ApiRequest request) {
    String location = request.var("location");
    String prefix =
        "projects/"
            + request.var("project")
            + "/locations/"
            + ("-".equals(location) ? "" : location + "/services/");
    List<Service> all = new ArrayList<>();
    services.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            all.add(v.service.build());
          }
        });
    Pages.Page<Service> page =
        Pages.of(all, request.queryInt("pageSize", 0), request.query("pageToken"), 1000);
    return Reply.of(
        ListServicesResponse.newBuilder()
            .addAllServices(page.items())
            .setNextPageToken(page.nextPageToken()));
  }

  private Reply update(ApiRequest request) {
    String name = nameOf(request);
    Service in = request.body(Service.newBuilder(), "service").build();
    if (!in.getName().isEmpty() && !in.getName().equals(name)) {
      throw ApiException.invalidArgument(
          "service.name", "'" + in.getName() + "' does not match the path's " + name);
    }
    Stored s = services.get(name);
    if (s == null) {
      if (!request.queryFlag("allowMissing")) {
        throw ApiException.notFound(name);
      }
      return createService(
          request.var("project"),
          request.var("location"),
          request.var("service"),
          in,
          request.queryFlag("validateOnly"));
    }
    if (!in.getEtag().isEmpty() && !in.getEtag().equals(s.service.getEtag())) {
      throw ApiException.aborted(
          "The service '" + name + "' changed since etag " + in.getEtag() + "; read it again");
    }
    Service.Builder spec = Service.newBuilder();
    Specs.copy(s.service.build(), spec, SPEC);
    Service before = spec.build();
    List<String> mask = request.queryList("updateMask");
    if (mask.isEmpty()) {
      Specs.copy(in, spec, SPEC);
    } else {
      FieldMask fm = FieldMaskUtil.fromStringList(Service.class, snakeCase(mask));
      for (String path : fm.getPathsList()) {
        String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
        if (!SPEC.contains(top)) {
          throw ApiException.invalidArgument(
              "updateMask", "'" + path + "' is not a field a caller can change");
        }
      }
      FieldMaskUtil.merge(
          fm,
          in,
          spec,
          new FieldMaskUtil.MergeOptions()
              .setReplaceRepeatedFields(true)
              .setReplaceMessageFields(true)
              .setReplacePrimitiveFields(true));
    }
    String project = request.var("project");
    checkAndComplete(spec, project, request.var("location"));
    Service after = spec.build();
    boolean changed = !after.equals(before);
    boolean newRevision = !after.getTemplate().equals(before.getTemplate());
    if (request.queryFlag("validateOnly")) {
      Service preview = s.service.clone().mergeFrom(after).build();
      String op = core.operations().start("run", parentOf(name), preview);
      core.operations().succeed(op, preview, preview);
      return core.operations().reply(op);
    }
    Service.Builder next = s.service.clone();
    Specs.copy(after, next, SPEC);
    if (changed) {
      next.setGeneration(s.service.getGeneration() + 1)
          .setUpdateTime(core.now())
          .setLastModifier(CREATOR);
      if (newRevision) {
        next.setLatestCreatedRevision(nextRevision(s, name, after.getTemplate().getRevision()));
      }
      markReconciling(next);
    }
    next.setEtag(Specs.etag(next.build()));
    s.service = next;
    String op = core.operations().start("run", parentOf(name), next.build());
    long generation = next.getGeneration();
    core.transitions()
        .after(
            changed ? core.duration(UPDATE) : Duration.ZERO,
            () -> reconcile(name, s, op, generation));
    return core.operations().reply(op);
  }

  /** Finishes a create or update: starts the revision's process if mapped, then commits. */
  private void reconcile(String name, Stored s, String op, long generation) {
    record Plan(String revision, Container container, Map<String, String> env, String project) {}
    Optional<String> fault = core.faults().operationFailure(name);
    Plan plan =
        core.locked(
            () -> {
              if (services.get(name) != s || s.service.getGeneration() != generation) {
                return null;
              }
              Container c = s.service.getTemplate().getContainers(0);
              String project = name.split("/")[1];
              return new Plan(
                  s.service.getLatestCreatedRevision(),
                  c,
                  checks.resolve(c.getEnvList(), project),
                  project);
            });
    if (plan == null) {
      return;
    }
    Optional<List<String>> command = core.images().commandFor(plan.container().getImage());
    String failure = fault.orElse(null);
    String uri = null;
    if (failure == null && command.isPresent()) {
      boolean alreadyRunning =
          core.locked(() -> plan.revision().equals(s.service.getLatestReadyRevision()))
              && s.service.getUri().startsWith("http://127.0.0.1:");
      if (alreadyRunning) {
        uri = "http://127.0.0.1:" + processes.portFor(name);
      } else {
        List<String> argv = new ArrayList<>(command.get());
        argv.addAll(plan.container().getArgsList());
        try {
          ServiceProcesses.Running r = processes.start(name, plan.revision(), argv, plan.env());
          uri = "http://127.0.0.1:" + r.port();
        } catch (ServiceProcesses.StartFailure e) {
          failure = e.getMessage();
        }
      }
    } else if (failure == null) {
      String shortName = name.substring(name.lastIndexOf('/') + 1);
      String region = name.split("/")[3];
      uri =
          "https://"
              + shortName
              + "-"
              + Projects.urlHash(plan.project())
              + "-"
              + Regions.runCode(region)
              + ".a.run.app";
    }
    String failed = failure;
    String url = uri;
    core.locked(
        () -> {
          if (services.get(name) != s || s.service.getGeneration() != generation) {
            return;
          }
          Service.Builder svc = s.service;
          svc.setReconciling(false).setObservedGeneration(generation).clearConditions();
          if (failed != null) {
            svc.setTerminalCondition(
                Specs.condition("Ready", Condition.State.CONDITION_FAILED, failed, core.now())
                    .toBuilder()
                    .setSeverity(Condition.Severity.ERROR)
                    .setReason(Condition.CommonReason.REVISION_FAILED));
            svc.setEtag(Specs.etag(svc.build()));
            core.operations().fail(op, svc.build(), ApiException.failedPrecondition(failed));
            return;
          }
          svc.setTerminalCondition(
                  Specs.condition("Ready", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
              .addConditions(
                  Specs.condition(
                      "RoutesReady", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
              .addConditions(
                  Specs.condition(
                      "ConfigurationsReady", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
              .setLatestReadyRevision(svc.getLatestCreatedRevision())
              .clearTrafficStatuses()
              .addTrafficStatuses(
                  TrafficTargetStatus.newBuilder()
                      .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
                      .setPercent(100))
              .setUri(url)
              .clearUrls()
              .addUrls(url);
          svc.setEtag(Specs.etag(svc.build()));
          core.operations().succeed(op, svc.build(), svc.build());
        });
  }

  private Reply delete(ApiRequest request) {
    String name = nameOf(request);
    Stored s = require(name);
    String etag = request.query("etag");
    if (etag != null && !etag.isEmpty() && !etag.equals(s.service.getEtag())) {
      throw ApiException.aborted("The service '" + name + "' changed since etag " + etag);
    }
    s.service.setReconciling(true).setDeleteTime(core.now());
    String op = core.operations().start("run", parentOf(name), s.service.build());
    core.transitions()
        .after(
            core.duration(DELETE),
            () -> {
              processes.forget(name);
              core.locked(
                  () -> {
                    if (services.get(name) != s) {
                      return;
                    }
                    services.remove(name);
                    iam.remove(name);
                    Service gone = s.service.setReconciling(false).build();
                    core.operations().succeed(op, gone, gone);
                  });
            });
    return core.operations().reply(op);
  }

  /** Fills the defaults Cloud Run fills, then checks the spec. */
  private void checkAndComplete(Service.Builder spec, String project, String location) {
    if (!spec.hasTemplate()) {
      throw ApiException.invalidArgument(
          "service.template", "required: a revision template with at least one container");
    }
    if (spec.getIngress() == com.google.cloud.run.v2.IngressTraffic.UNRECOGNIZED) {
      throw ApiException.invalidArgument(
          "service.ingress",
          "use INGRESS_TRAFFIC_ALL (1), INGRESS_TRAFFIC_INTERNAL_ONLY (2),"
              + " INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER (3) or INGRESS_TRAFFIC_NONE (4)");
    }
    if (spec.getIngress() == com.google.cloud.run.v2.IngressTraffic.INGRESS_TRAFFIC_UNSPECIFIED) {
      spec.setIngress(com.google.cloud.run.v2.IngressTraffic.INGRESS_TRAFFIC_ALL);
    }
    if (spec.getLaunchStage() == com.google.api.LaunchStage.LAUNCH_STAGE_UNSPECIFIED) {
      spec.setLaunchStage(com.google.api.LaunchStage.GA);
    }
    if (spec.getTrafficCount() == 0) {
      spec.addTraffic(
          TrafficTarget.newBuilder()
              .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
              .setPercent(100));
    }
    RevisionTemplate.Builder t = spec.getTemplateBuilder();
    checks.containers(t.getContainersList(), "service.template.containers", project, true);
    if (t.hasVpcAccess()) {
      t.setVpcAccess(
          checks.vpcAccess(t.getVpcAccess(), "service.template.vpcAccess", project, location));
    }
    if (!t.hasTimeout()) {
      t.setTimeout(Durations.fromSeconds(300));
    }
    if (t.getServiceAccount().isEmpty()) {
      t.setServiceAccount(Projects.defaultComputeServiceAccount(project));
    }
    if (t.getMaxInstanceRequestConcurrency() == 0) {
      t.setMaxInstanceRequestConcurrency(80);
    }
    if (!t.hasScaling()) {
      t.getScalingBuilder().setMaxInstanceCount(100);
    }
    for (Container.Builder c : t.getContainersBuilderList()) {
      if (c.getPortsCount() == 0) {
        c.addPortsBuilder().setName("http1").setContainerPort(8080);
      }
      if (!c.hasResources()) {
        c.getResourcesBuilder()
            .putLimits("cpu", "1000m")
            .putLimits("memory", "512Mi")
            .setCpuIdle(true);
      }
    }
  }

  private void markReconciling(Service.Builder service) {
    service
        .setReconciling(true)
        .setTerminalCondition(
            Specs.condition("Ready", Condition.State.CONDITION_RECONCILING, null, core.now()));
  }

  private String nextRevision(Stored s, String name, String requested) {
    String shortName = name.substring(name.lastIndexOf('/') + 1);
    s.revisions++;
    String revision =
        requested.isEmpty()
            ? String.format("%s-%05d-%s", shortName, s.revisions, core.ids().lower(3))
            : requested;
    if (!revision.startsWith(shortName + "-")) {
      throw ApiException.invalidArgument(
          "service.template.revision", "must start with the service name: '" + shortName + "-'");
    }
    return name + "/revisions/" + revision;
  }

  private Stored require(String name) {
    Stored s = services.get(name);
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
        + "/services/"
        + r.var("service");
  }

  private static String parentOf(String name) {
    return name.substring(0, name.indexOf("/services/"));
  }

  private static List<String> snakeCase(List<String> paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      out.add(FieldMaskUtil.fromJsonString(p).getPaths(0));
    }
    return out;
  }

  JsonArray snapshot() {
    JsonArray out = new JsonArray();
    services.values().forEach(s -> out.add(core.json().toTree(s.service)));
    return out;
  }

  /** An out-of-band change goes through like a console edit: a new generation and revision. */
  boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = services.get(name);
    if (s == null) {
      return false;
    }
    Service before = s.service.build();
    JsonObject merged = JsonMergePatch.apply(core.json().toTree(before), patch).getAsJsonObject();
    Service.Builder next = core.json().fromTree(merged, Service.newBuilder(), "patch");
    Service.Builder beforeSpec = Service.newBuilder();
    Service.Builder afterSpec = Service.newBuilder();
    Specs.copy(before, beforeSpec, SPEC);
    Specs.copy(next.build(), afterSpec, SPEC);
    if (beforeSpec.build().equals(afterSpec.build())) {
      s.service = next;
      return true;
    }
    next.setGeneration(before.getGeneration() + 1).setUpdateTime(core.now());
    if (!beforeSpec.getTemplate().equals(afterSpec.getTemplate())) {
      next.setLatestCreatedRevision(nextRevision(s, name, ""));
    }
    markReconciling(next);
    s.service = next;
    String op = core.operations().start("run", parentOf(name), next.build());
    long generation = next.getGeneration();
    core.transitions().after(core.duration(UPDATE), () -> reconcile(name, s, op, generation));
    return true;
  }

  void reset() {
    core.locked(services::clear);
    processes.stopAll();
  }
}
