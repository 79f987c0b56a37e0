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
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.FieldMaskUtil;
import dev.runwire.emulator.core.ApiException;
import dev.runwire.emulator.core.ApiRequest;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.LocationName;
import dev.runwire.emulator.core.LongRunningCollection;
import dev.runwire.emulator.core.Projects;
import dev.runwire.emulator.core.Regions;
import dev.runwire.emulator.core.Reply;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.RunningOperation;
import dev.runwire.emulator.core.Workloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
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

  /**
   * How long Cloud Run keeps a service's Direct VPC egress addresses in a subnet after the service
   * stops using it ("1-2 hours", Direct VPC egress docs); the subnet cannot be deleted until then.
   */
  static final LatencyKey SUBNET_RELEASE =
      LatencyKey.of("run.directvpc.release", Duration.ofMinutes(90));

  private static final LongRunningCollection.Shape SERVICES =
      new LongRunningCollection.Shape(
          "v2",
          "services",
          "serviceId",
          Pattern.compile("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$"),
          "at most 49 lowercase letters, digits and hyphens, start with a letter and not end with"
              + " a hyphen",
          1000,
          true);
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
  private static final String LOCAL_URI = "http://127.0.0.1:";
  private static final Logger LOG = Logger.getLogger(RunServices.class.getName());

  /** A service and its revision counter. */
  private static final class Stored {
    Service.Builder service;
    int revisions;

    /** The subnet the serving revision's Direct VPC egress uses, or null. */
    String subnet;

    Stored(Service.Builder service) {
      this.service = service;
    }
  }

  private final CloudCore core;
  private final RevisionChecks checks;
  private final RunIam iam;
  private final ServiceProcesses processes;
  private final LongRunningCollection<Stored, Service> services;

  RunServices(CloudCore core, RevisionChecks checks, RunIam iam) {
    this.core = core;
    this.checks = checks;
    this.iam = iam;
    this.processes = new ServiceProcesses(core);
    this.services =
        new LongRunningCollection<>(
            core,
            "run",
            SERVICES,
            s -> s.service.build(),
            (page, next) ->
                ListServicesResponse.newBuilder().addAllServices(page).setNextPageToken(next));
  }

  void registerRoutes(Routes routes) {
    services.registerRoutes(routes, this::create, this::delete);
    String service = services.resourcePath();
    routes
        .patch(service, this::update)
        .get(service + ":getIamPolicy", r -> iam.get(services.existingName(r), r))
        .post(service + ":setIamPolicy", r -> iam.set(services.existingName(r), r));
  }

  private Reply create(ApiRequest request) {
    String name = services.newName(request);
    Service in = request.body(Service.newBuilder(), "service").build();
    return createService(name, in, request.queryFlag("validateOnly"));
  }

  private Reply createService(String name, Service in, boolean validateOnly) {
    LocationName service = LocationName.parse(name);
    String project = service.project();
    String location = service.location();
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
    if (validateOnly) {
      return validated(name, spec.build());
    }
    services.put(name, s);
    RunningOperation op = services.startOperation(name, (created, ended) -> s.service.build());
    long generation = spec.getGeneration();
    core.transitions().after(core.duration(CREATE), () -> reconcile(name, s, op, generation));
    return op.reply();
  }

  /** A {@code validateOnly} request's answer: a done operation showing what would be stored. */
  private Reply validated(String name, Service preview) {
    RunningOperation op = services.startOperation(name, (created, ended) -> preview);
    op.succeed(preview);
    return op.reply();
  }

  private Reply update(ApiRequest request) {
    String name = services.nameOf(request);
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
      String fresh =
          services.newName(request.var("project"), request.var("location"), services.idOf(request));
      return createService(fresh, in, request.queryFlag("validateOnly"));
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
      return validated(name, s.service.clone().mergeFrom(after).build());
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
    RunningOperation op = services.startOperation(name, (created, ended) -> s.service.build());
    long generation = next.getGeneration();
    core.transitions()
        .after(
            changed ? core.duration(UPDATE) : Duration.ZERO,
            () -> reconcile(name, s, op, generation));
    return op.reply();
  }

  /**
   * Finishes a create or update. Never leaves {@code op} pending: a caller waiting on it must not
   * hang, whether the generation was superseded or something failed here.
   */
  private void reconcile(String name, Stored s, RunningOperation op, long generation) {
    try {
      reconcileGeneration(name, s, op, generation);
    } catch (RuntimeException e) {
      core.locked(
          () -> {
            if (!op.isDone()) {
              op.fail(ApiException.failedPrecondition("the revision could not be started: " + e));
            }
          });
    }
  }

  /**
   * A newer generation took over (another update, an out-of-band change): like Cloud Run, the older
   * operation ends with the service as it now is; the caller sees {@code observedGeneration} behind
   * {@code generation} and waits for the newer one.
   */
  private void supersede(Stored s, RunningOperation op) {
    core.locked(
        () -> {
          if (!op.isDone()) {
            op.succeed(s.service.build());
          }
        });
  }

  /**
   * Brings the service to {@code generation}: starts the revision's process if its image is mapped
   * (or gives it a Cloud Run URL), then commits the outcome; a newer generation supersedes it.
   */
  private void reconcileGeneration(String name, Stored s, RunningOperation op, long generation) {
    Optional<String> fault = core.faults().operationFailure(name);
    RevisionStart start =
        core.locked(() -> isCurrent(name, s, generation) ? revisionStart(name, s) : null);
    if (start == null) {
      supersede(s, op);
      return;
    }
    Serving serving =
        fault.or(start::refusal).map(Serving::failed).orElseGet(() -> serve(name, s, start));
    core.locked(() -> commit(name, s, op, generation, serving));
  }

  /** What starting a generation's revision needs, read under the lock. */
  private record RevisionStart(
      String revision,
      Container container,
      Map<String, String> env,
      String project,
      Optional<String> denied) {

    /** Cloud Run's words for a revision that cannot start (e.g. a secret it may not read). */
    Optional<String> refusal() {
      return denied.map(
          d ->
              "Revision '"
                  + revision.substring(revision.lastIndexOf('/') + 1)
                  + "' is not ready and cannot serve traffic. "
                  + d);
    }
  }

  /** How a generation ended: the URL it serves at, or why it failed. */
  private record Serving(String uri, String failure) {
    static Serving at(String uri) {
      return new Serving(uri, null);
    }

    static Serving failed(String failure) {
      return new Serving(null, failure);
    }
  }

  private boolean isCurrent(String name, Stored s, long generation) {
    return services.isCurrent(name, s) && s.service.getGeneration() == generation;
  }

  /** Lock held. */
  private RevisionStart revisionStart(String name, Stored s) {
    Container c = s.service.getTemplate().getContainers(0);
    String project = LocationName.parse(name).project();
    RevisionTemplate t = s.service.getTemplate();
    return new RevisionStart(
        s.service.getLatestCreatedRevision(),
        c,
        checks.resolve(c.getEnvList(), project),
        project,
        checks.secretAccessDenied(t.getContainersList(), t.getServiceAccount(), project));
  }

  /**
   * Runs the revision as a local process when its image is mapped (or keeps the one already serving
   * it); otherwise the service gets a Cloud Run URL and nothing runs.
   */
  private Serving serve(String name, Stored s, RevisionStart start) {
    Optional<List<String>> command = core.images().commandFor(start.container().getImage());
    if (command.isEmpty()) {
      return Serving.at(cloudRunUri(LocationName.parse(name), start.project()));
    }
    boolean alreadyRunning =
        core.locked(() -> start.revision().equals(s.service.getLatestReadyRevision()))
            && s.service.getUri().startsWith(LOCAL_URI);
    if (alreadyRunning) {
      return Serving.at(LOCAL_URI + processes.portFor(name));
    }
    try {
      return Serving.at(
          startRevision(name, start.revision(), start.container(), start.env(), command.get()));
    } catch (ServiceProcesses.StartFailure e) {
      return Serving.failed(e.getMessage());
    }
  }

  /** {@code https://<service>-<project hash>-<region code>.a.run.app}, as Cloud Run answers. */
  private static String cloudRunUri(LocationName service, String project) {
    return "https://"
        + service.id()
        + "-"
        + Projects.urlHash(project)
        + "-"
        + Regions.runCode(service.location())
        + ".a.run.app";
  }

  /** Ends the operation with the generation's outcome, unless a newer one took over. Lock held. */
  private void commit(
      String name, Stored s, RunningOperation op, long generation, Serving serving) {
    if (!isCurrent(name, s, generation)) {
      if (!op.isDone()) {
        op.succeed(s.service.build());
      }
      return;
    }
    Service.Builder svc = s.service;
    svc.setReconciling(false);
    if (serving.failure() != null) {
      markFailed(svc, op, serving.failure());
      return;
    }
    svc.setObservedGeneration(generation).clearConditions();
    useSubnet(name, s);
    markReady(svc, op, serving.uri());
  }

  /**
   * service.proto, {@code reconciling}: "If reconciliation failed, traffic_statuses,
   * observed_generation, and latest_ready_revision will have the state of the last serving
   * revision, or empty for newly created Services."
   */
  private void markFailed(Service.Builder svc, RunningOperation op, String failed) {
    svc.clearConditions();
    svc.setTerminalCondition(
        Specs.condition("Ready", Condition.State.CONDITION_FAILED, failed, core.now()).toBuilder()
            .setSeverity(Condition.Severity.ERROR)
            .setReason(Condition.CommonReason.REVISION_FAILED));
    svc.setEtag(Specs.etag(svc.build()));
    op.fail(ApiException.failedPrecondition(failed));
  }

  /** The latest created revision serves all traffic at {@code url}. */
  private void markReady(Service.Builder svc, RunningOperation op, String url) {
    svc.setTerminalCondition(
            Specs.condition("Ready", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
        .addConditions(
            Specs.condition("RoutesReady", Condition.State.CONDITION_SUCCEEDED, null, core.now()))
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
    op.succeed(svc.build());
  }

  /**
   * Records the serving revision's Direct VPC subnet as in use; a subnet the service moved away
   * from stays held until {@link #SUBNET_RELEASE} has passed. Lock held.
   */
  private void useSubnet(String name, Stored s) {
    LocationName service = LocationName.parse(name);
    RevisionTemplate t = s.service.getTemplate();
    String now =
        checks
            .directVpcSubnet(t.getVpcAccess(), service.project(), service.location())
            .orElse(null);
    if (s.subnet != null && !s.subnet.equals(now)) {
      checks.holdSubnet(s.subnet, name, releaseTime());
    }
    if (now != null) {
      checks.holdSubnet(now, name, java.time.Instant.MAX);
    }
    s.subnet = now;
  }

  private java.time.Instant releaseTime() {
    return java.time.Instant.now().plus(core.duration(SUBNET_RELEASE));
  }

  /** Runs {@code revision}'s container as the service's process; answers the service's uri. */
  private String startRevision(
      String name,
      String revision,
      Container container,
      Map<String, String> env,
      List<String> command)
      throws ServiceProcesses.StartFailure {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(container.getArgsList());
    Workloads.Workload workload =
        core.locked(
            () -> {
              Stored s = services.get(name);
              RevisionTemplate t =
                  s == null ? RevisionTemplate.getDefaultInstance() : s.service.getTemplate();
              LocationName service = LocationName.parse(name);
              return new Workloads.Workload(
                  "service revision",
                  revision,
                  service.project(),
                  service.location(),
                  t.getServiceAccount(),
                  t.getVpcAccess());
            });
    return LOCAL_URI + processes.start(name, revision, argv, env, workload).port();
  }

  private Reply delete(ApiRequest request) {
    String name = services.nameOf(request);
    Stored deleted = services.require(name);
    String etag = request.query("etag");
    return services.delete(
        name,
        core.duration(DELETE),
        (created, ended) -> deleted.service.build(),
        new LongRunningCollection.Deletion<>() {
          @Override
          public void begin(Stored s) {
            if (etag != null && !etag.isEmpty() && !etag.equals(s.service.getEtag())) {
              throw ApiException.aborted("The service '" + name + "' changed since etag " + etag);
            }
            s.service.setReconciling(true).setDeleteTime(core.now());
          }

          @Override
          public void removed(Stored s) {
            iam.remove(name);
            if (s.subnet != null) {
              checks.holdSubnet(s.subnet, name, releaseTime());
            }
          }

          @Override
          public Message response(Stored s) {
            return s.service.setReconciling(false).build();
          }

          @Override
          public void stopped(Stored s) {
            processes.forget(name);
          }
        });
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

  private static List<String> snakeCase(List<String> paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      out.add(FieldMaskUtil.fromJsonString(p).getPaths(0));
    }
    return out;
  }

  JsonArray snapshot() {
    return services.snapshot();
  }

  /** An out-of-band change goes through like a console edit: a new generation and revision. */
  boolean changeOutOfBand(String name, JsonObject patch) {
    Stored s = services.get(name);
    if (s == null) {
      return false;
    }
    Service before = s.service.build();
    Service.Builder next = core.json().mergePatch(before, patch).toBuilder();
    if (Specs.of(before, SPEC).equals(Specs.of(next.build(), SPEC))) {
      s.service = next;
      return true;
    }
    next.setGeneration(before.getGeneration() + 1).setUpdateTime(core.now());
    if (!before.getTemplate().equals(next.getTemplate())) {
      next.setLatestCreatedRevision(nextRevision(s, name, ""));
    }
    markReconciling(next);
    s.service = next;
    RunningOperation op = services.startOperation(name, (created, ended) -> s.service.build());
    long generation = next.getGeneration();
    core.transitions().after(core.duration(UPDATE), () -> reconcile(name, s, op, generation));
    return true;
  }

  /** How many revisions each service has had, for a state file (revision names go on). */
  JsonObject saveRevisionCounters() {
    JsonObject out = new JsonObject();
    services.names().forEach(n -> out.addProperty(n, services.get(n).revisions));
    return out;
  }

  /** Loads services (lock held). A service being deleted stays (its delete was lost). */
  void load(JsonArray saved, JsonObject revisionCounters) {
    for (var tree : saved) {
      Service.Builder service = core.json().fromTree(tree, Service.newBuilder(), "service");
      if (service.hasDeleteTime()) {
        service
            .clearDeleteTime()
            .setReconciling(service.getObservedGeneration() != service.getGeneration());
      }
      Stored s = new Stored(service);
      JsonElement count = revisionCounters.get(service.getName());
      s.revisions = count == null ? 0 : count.getAsInt();
      services.put(service.getName(), s);
    }
  }

  /**
   * Brings loaded services back: one whose image is mapped runs its ready revision again, on its
   * old port when that is free (else its {@code uri} changes); one still reconciling a change then
   * finishes it.
   */
  void resume() {
    Map<String, Stored> loaded = new LinkedHashMap<>();
    core.locked(() -> services.names().forEach(n -> loaded.put(n, services.get(n))));
    loaded.forEach(
        (name, s) -> {
          restartReadyRevision(name, s);
          core.locked(
              () -> {
                if (s.service.getReconciling()) {
                  RunningOperation op =
                      services.startOperation(name, (created, ended) -> s.service.build());
                  long generation = s.service.getGeneration();
                  core.transitions().after(Duration.ZERO, () -> reconcile(name, s, op, generation));
                }
              });
        });
  }

  private void restartReadyRevision(String name, Stored s) {
    Service service = core.locked(() -> s.service.build());
    Container c = service.getTemplate().getContainers(0);
    Optional<List<String>> command = core.images().commandFor(c.getImage());
    if (command.isEmpty() || !service.getUri().startsWith(LOCAL_URI)) {
      return;
    }
    processes.preferPort(name, Integer.parseInt(service.getUri().substring(LOCAL_URI.length())));
    try {
      Map<String, String> env =
          core.locked(() -> checks.resolve(c.getEnvList(), LocationName.parse(name).project()));
      String uri = startRevision(name, service.getLatestReadyRevision(), c, env, command.get());
      core.locked(
          () -> {
            if (!uri.equals(s.service.getUri())) {
              s.service.setUri(uri).clearUrls().addUrls(uri);
              s.service.setEtag(Specs.etag(s.service.build()));
            }
          });
    } catch (ServiceProcesses.StartFailure | ApiException e) {
      LOG.warning(name + " could not be started again: " + e.getMessage());
    }
  }

  void reset() {
    core.locked(services::clear);
    processes.stopAll();
  }
}
