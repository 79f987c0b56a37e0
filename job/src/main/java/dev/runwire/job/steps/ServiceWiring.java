package dev.runwire.job.steps;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.IngressTraffic;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.VpcAccess;
import com.google.cloud.run.v2.VpcAccess.NetworkInterface;
import com.google.cloud.run.v2.VpcAccess.VpcEgress;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.runwire.job.engine.FieldDiffs;
import dev.runwire.job.engine.Reasons;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepFailure;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.EgressMode;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.ProvisioningRequest.Route;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What runwire manages on a Cloud Run service, as a pure function of the request (and the Redis
 * host and port), and how that is read from and written onto a service while everything else on it
 * (other env, scaling, other containers...) stays as it is.
 */
final class ServiceWiring {

  /** The managed fields; {@code null} = not managed by this request. */
  record Spec(
      String image,
      String vpcConnector,
      List<String> networkInterfaces,
      String vpcEgress,
      String ingress,
      Map<String, String> env,
      Map<String, String> labels,
      Map<String, String> annotations,
      Boolean allowUnauthenticated,
      String latestRevision) {}

  /** {@link Spec#latestRevision} of a service whose last reconciliation did not fail. */
  static final String SERVING = "serving";

  /**
   * {@link Spec#latestRevision} of a service whose last reconciliation failed: Cloud Run keeps the
   * failed template and does not try it again, so apply deploys it again as a new revision.
   */
  static final String FAILED = "failed";

  /** The template annotation that makes a redeploy of an unchanged template a new revision. */
  static final String REDEPLOYED = "runwire.dev/redeployed";

  /** The env var that holds the instance's server CA (PEM) when transit encryption is on. */
  static final String CA_ENV = "REDIS_CA_CERT";

  /** What events show for the value of an env var runwire did not set. */
  static final String NOT_RUNWIRES = "(set, not by runwire; value withheld)";

  /** What runwire may set on a service it did not create: the wiring, never image or ingress. */
  static final Set<String> WIRING_FIELDS =
      Set.of(
          "vpcConnector",
          "networkInterfaces",
          "vpcEgress",
          "env",
          "labels",
          "annotations",
          "latestRevision");

  private final ProvisioningRequest request;
  private final ProvisioningRequest.EnvNames names;

  ServiceWiring(ProvisioningRequest request) {
    this.request = request;
    this.names = request.service().envNames();
  }

  /**
   * @param adopting the request takes the service over: it is marked as runwire's from now on
   */
  Spec desired(StepContext ctx, Boolean allowUnauthenticated, boolean adopting) {
    boolean connector = request.egress().mode() == EgressMode.CONNECTOR;
    Map<String, String> env = new HashMap<>();
    Optional<StepOutputs.RedisEndpoint> redis = redisEndpoint(ctx);
    env.put(names.host(), redis.map(StepOutputs.RedisEndpoint::host).orElse(KNOWN_AFTER_APPLY));
    env.put(names.port(), redis.map(r -> String.valueOf(r.port())).orElse(KNOWN_AFTER_APPLY));
    env.put(
        names.auth(),
        request.redis().authEnabled() ? secretRef(request.names().authSecret(), "latest") : null);
    env.put(CA_ENV, tls(request) ? secretRef(RedisCaSecretStep.secretId(request), "latest") : null);
    return new Spec(
        request.service().image(),
        connector ? ApiLocation.of(request).connector(request.egress().connector().name()) : "",
        connector
            ? List.of()
            : List.of(
                networkInterface(
                    request.target().network(),
                    request.egress().subnet().name(),
                    List.of(EgressFirewallStep.directVpcTag(request.service().name())))),
        (request.egress().route() == Route.ALL_TRAFFIC
                ? VpcEgress.ALL_TRAFFIC
                : VpcEgress.PRIVATE_RANGES_ONLY)
            .name(),
        request.service().ingress() == null ? null : ingress(request.service().ingress()).name(),
        env,
        ManagedMarks.label(),
        annotations(ctx, adopting),
        allowUnauthenticated,
        SERVING);
  }

  /**
   * The request as last applied, what runwire owns without a mark of its own (absent when nothing),
   * and, when adopting, the service's own ownership mark.
   */
  private Map<String, String> annotations(StepContext ctx, boolean adopting) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(ManagedMarks.LAST_APPLIED, lastApplied(request));
    String owns = ManagedMarks.owns(ctx.recordedOwned());
    annotations.put(ManagedMarks.OWNS, owns.isEmpty() ? null : owns);
    if (adopting) {
      annotations.put(ManagedMarks.OWNED, "true");
    }
    return annotations;
  }

  /**
   * The Redis instance's endpoint. A plan shows "(known after apply)" for an instance that does not
   * exist yet; apply never writes a placeholder into the service.
   */
  private static Optional<StepOutputs.RedisEndpoint> redisEndpoint(StepContext ctx) {
    Optional<StepOutputs.RedisEndpoint> value = ctx.upstream(StepOutputs.RedisEndpoint.class);
    if (value.isEmpty() && ctx.mode() == Mode.APPLY) {
      throw new StepFailure(Reasons.NOT_READY, "the Redis instance gave no endpoint to wire");
    }
    return value;
  }

  private static final String KNOWN_AFTER_APPLY = FieldDiffs.KNOWN_AFTER_APPLY;

  static Spec actual(Service s, Boolean allowUnauthenticated) {
    VpcAccess vpc = s.getTemplate().getVpcAccess();
    Map<String, String> env = new LinkedHashMap<>();
    Container container = mainContainer(s.getTemplate());
    if (container != null) {
      for (EnvVar e : container.getEnvList()) {
        env.put(
            e.getName(),
            e.hasValueSource()
                ? secretRef(
                    e.getValueSource().getSecretKeyRef().getSecret(),
                    e.getValueSource().getSecretKeyRef().getVersion())
                : e.getValue());
      }
    }
    boolean wired = !vpc.getConnector().isEmpty() || vpc.getNetworkInterfacesCount() > 0;
    return new Spec(
        container == null ? null : container.getImage(),
        vpc.getConnector(),
        vpc.getNetworkInterfacesList().stream()
            .map(
                n ->
                    networkInterface(
                        Names.last(n.getNetwork()), Names.last(n.getSubnetwork()), n.getTagsList()))
            .toList(),
        (!wired || vpc.getEgress() == VpcEgress.VPC_EGRESS_UNSPECIFIED
                ? VpcEgress.PRIVATE_RANGES_ONLY
                : vpc.getEgress())
            .name(),
        s.getIngress() == IngressTraffic.INGRESS_TRAFFIC_UNSPECIFIED
            ? IngressTraffic.INGRESS_TRAFFIC_ALL.name()
            : s.getIngress().name(),
        env,
        s.getLabelsMap(),
        s.getAnnotationsMap(),
        allowUnauthenticated,
        !s.getReconciling()
                && s.getTerminalCondition().getState() == Condition.State.CONDITION_FAILED
            ? FAILED
            : SERVING);
  }

  /**
   * A Direct VPC interface as compared: network/subnet and its network tags. The tag
   * runwire-SERVICE is what an EGRESS allow targets when a deny would block the way to Redis.
   */
  private static String networkInterface(String network, String subnet, List<String> tags) {
    return network + "/" + subnet + (tags.isEmpty() ? "" : " tags " + String.join(",", tags));
  }

  /** {@code base} with the desired wiring written over it; every other field as it was. */
  Service.Builder apply(Service base, Spec want) {
    Service.Builder service = base.toBuilder();
    RevisionTemplate.Builder template = service.getTemplateBuilder();
    // A fixed revision name would collide with the existing revision: let the server name it.
    template.clearRevision();
    VpcAccess.Builder vpc = VpcAccess.newBuilder().setEgress(VpcEgress.valueOf(want.vpcEgress()));
    if (!want.vpcConnector().isEmpty()) {
      vpc.setConnector(want.vpcConnector());
    } else {
      vpc.addNetworkInterfaces(
          NetworkInterface.newBuilder()
              .setNetwork(request.target().network())
              .setSubnetwork(request.egress().subnet().name())
              .addTags(EgressFirewallStep.directVpcTag(request.service().name())));
    }
    template.setVpcAccess(vpc); // sets one mode and clears the other in the same update
    if (template.getContainersCount() == 0) {
      template.addContainers(Container.newBuilder());
    }
    int index = mainContainerIndex(template.build());
    Container.Builder container = template.getContainersBuilder(index);
    if (want.image() != null) {
      container.setImage(want.image());
    }
    writeEnv(container, want.env());
    if (want.ingress() != null) {
      service.setIngress(IngressTraffic.valueOf(want.ingress()));
    }
    service.putAllLabels(want.labels());
    want.annotations()
        .forEach(
            (key, value) -> {
              if (value == null) {
                service.removeAnnotations(key);
              } else {
                service.putAnnotations(key, value);
              }
            });
    return service;
  }

  /** {@code base} without runwire's wiring: no VPC access, none of our env, label or annotation. */
  Service.Builder restore(Service base) {
    Service.Builder service = base.toBuilder();
    RevisionTemplate.Builder template = service.getTemplateBuilder();
    template.clearRevision().clearVpcAccess();
    if (template.getContainersCount() > 0) {
      Map<String, String> remove = new HashMap<>();
      remove.put(names.host(), null);
      remove.put(names.port(), null);
      remove.put(names.auth(), null);
      remove.put(CA_ENV, null);
      writeEnv(template.getContainersBuilder(mainContainerIndex(template.build())), remove);
    }
    service
        .removeLabels(ManagedMarks.MANAGED_BY)
        .removeAnnotations(ManagedMarks.LAST_APPLIED)
        .removeAnnotations(ManagedMarks.OWNS);
    return service;
  }

  /** What {@link #restore} would change. */
  List<String> wiredFields(Service s) {
    Spec actual = actual(s, null);
    List<String> fields = new ArrayList<>();
    if (!actual.vpcConnector().isEmpty() || !actual.networkInterfaces().isEmpty()) {
      fields.add("vpcAccess");
    }
    for (String name : List.of(names.host(), names.port(), names.auth(), CA_ENV)) {
      if (actual.env().containsKey(name)) {
        fields.add("env." + name);
      }
    }
    if (actual.labels().containsKey(ManagedMarks.MANAGED_BY)) {
      fields.add("labels." + ManagedMarks.MANAGED_BY);
    }
    for (String annotation : List.of(ManagedMarks.LAST_APPLIED, ManagedMarks.OWNS)) {
      if (actual.annotations().containsKey(annotation)) {
        fields.add("annotations." + annotation);
      }
    }
    return fields;
  }

  /**
   * {@link Reasons#ENV_CONFLICT} naming the env vars in {@code diff} that the service already has
   * and runwire did not set (never their values), and the fix; {@code null} when there are none.
   */
  StepFailure envConflict(Service s, List<FieldDiff> diff) {
    List<String> conflicts = envConflicts(s, diff);
    if (conflicts.isEmpty()) {
      return null;
    }
    return new StepFailure(
        Reasons.ENV_CONFLICT,
        "the service already has "
            + String.join(", ", conflicts)
            + ", which runwire did not set, and runwire never overwrites such a variable. Name"
            + " other variables in service.envNames (host, port, auth), or remove "
            + String.join(", ", conflicts)
            + " from the service first.");
  }

  /**
   * {@code diff} without the values of env vars runwire did not set (they may hold credentials, as
   * a database URL does): events name such a variable, never its value.
   */
  List<FieldDiff> withholdConflicts(Service s, List<FieldDiff> diff) {
    List<String> conflicts = envConflicts(s, diff);
    return diff.stream()
        .map(
            d ->
                conflicts.contains(d.field().substring(d.field().indexOf('.') + 1))
                        && d.field().startsWith("env.")
                    ? new FieldDiff(d.field(), NOT_RUNWIRES, d.desired())
                    : d)
        .toList();
  }

  /**
   * The env vars in {@code diff} that the service already has and runwire did not set: the names of
   * the request it was last wired with are runwire's (and so is a value already equal to the
   * desired one, which is no difference at all).
   */
  private List<String> envConflicts(Service s, List<FieldDiff> diff) {
    Set<String> ours = new TreeSet<>();
    String json = s.getAnnotationsMap().get(ManagedMarks.LAST_APPLIED);
    if (json != null) {
      try {
        ProvisioningRequest.EnvNames before =
            MessageCodec.fromJson(json, ProvisioningRequest.class).service().envNames();
        ours.addAll(List.of(before.host(), before.port(), before.auth()));
      } catch (RuntimeException notARequest) {
        // nothing is known to be runwire's
      }
    }
    Map<String, String> env = actual(s, null).env();
    List<String> conflicts = new ArrayList<>();
    for (FieldDiff d : diff) {
      if (d.field().startsWith("env.")) {
        String name = d.field().substring("env.".length());
        if (env.containsKey(name) && !ours.contains(name)) {
          conflicts.add(name);
        }
      }
    }
    return conflicts;
  }

  /** Upserts in place (order kept), removes names mapped to {@code null}. */
  private static void writeEnv(Container.Builder container, Map<String, String> want) {
    Map<String, EnvVar> merged = new LinkedHashMap<>();
    container.getEnvList().forEach(e -> merged.put(e.getName(), e));
    want.forEach(
        (name, value) -> {
          if (value == null) {
            merged.remove(name);
          } else {
            merged.put(name, envVar(name, value));
          }
        });
    container.clearEnv().addAllEnv(merged.values());
  }

  static boolean tls(ProvisioningRequest request) {
    return request.redis().transitEncryption()
        == ProvisioningRequest.TransitEncryption.SERVER_AUTHENTICATION;
  }

  /** An env var from its spec form: a plain value, or {@code secret:<id>:<version>}. */
  static EnvVar envVar(String name, String value) {
    if (value.startsWith("secret:")) {
      String[] parts = value.substring("secret:".length()).split(":", 2);
      return EnvVar.newBuilder()
          .setName(name)
          .setValueSource(
              EnvVarSource.newBuilder()
                  .setSecretKeyRef(
                      SecretKeySelector.newBuilder().setSecret(parts[0]).setVersion(parts[1])))
          .build();
    }
    return EnvVar.newBuilder().setName(name).setValue(value).build();
  }

  /** How a secret reference reads in a spec: {@code secret:<secret id>:<version>}. */
  static String secretRef(String secret, String version) {
    return "secret:" + Names.last(secret) + ":" + (version.isEmpty() ? "latest" : version);
  }

  /** The container that serves (has a port), else the first. */
  static Container mainContainer(RevisionTemplate template) {
    return template.getContainersCount() == 0
        ? null
        : template.getContainers(mainContainerIndex(template));
  }

  private static int mainContainerIndex(RevisionTemplate template) {
    for (int i = 0; i < template.getContainersCount(); i++) {
      if (template.getContainers(i).getPortsCount() > 0) {
        return i;
      }
    }
    return 0;
  }

  static IngressTraffic ingress(ProvisioningRequest.Ingress ingress) {
    return switch (ingress) {
      case ALL -> IngressTraffic.INGRESS_TRAFFIC_ALL;
      case INTERNAL -> IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY;
      case INTERNAL_AND_CLOUD_LOAD_BALANCING ->
          IngressTraffic.INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER;
      case NONE -> IngressTraffic.INGRESS_TRAFFIC_NONE;
    };
  }

  /**
   * The diff with the last-applied annotation shown as the request fields that changed ({@code
   * redis.memorySizeGb=1} to {@code =2}), not as the whole request twice.
   */
  static List<FieldDiff> readable(List<FieldDiff> diff) {
    String field = "annotations." + ManagedMarks.LAST_APPLIED;
    return diff.stream()
        .map(
            d -> {
              if (!d.field().equals(field) || d.desired() == null) {
                return d;
              }
              if (d.actual() == null) {
                return new FieldDiff(d.field(), null, "the request");
              }
              Map<String, String> before = flatten(d.actual());
              Map<String, String> after = flatten(d.desired());
              Set<String> changed = new TreeSet<>(before.keySet());
              changed.addAll(after.keySet());
              changed.removeIf(k -> Objects.equals(before.get(k), after.get(k)));
              return new FieldDiff(d.field(), describe(changed, before), describe(changed, after));
            })
        .toList();
  }

  private static String describe(Set<String> fields, Map<String, String> values) {
    return fields.stream()
        .map(f -> f + "=" + values.getOrDefault(f, "(unset)"))
        .collect(Collectors.joining(", "));
  }

  /** A JSON document as dotted paths to values; text that is not JSON stays one value. */
  private static Map<String, String> flatten(String json) {
    Map<String, String> out = new TreeMap<>();
    try {
      flatten("", JsonParser.parseString(json), out);
    } catch (RuntimeException notJson) {
      out.put("(value)", json);
    }
    return out;
  }

  private static void flatten(String path, JsonElement element, Map<String, String> out) {
    if (element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
        flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
      }
    } else if (element.isJsonPrimitive()) {
      out.put(path, element.getAsString());
    } else {
      out.put(path, element.toString());
    }
  }

  /**
   * The request as last applied, for the service's annotation: the cloud itself records what
   * runwire manages. Without requestId, mode or allowDataLoss, so re-sending the same spec under a
   * new id changes nothing, and a sweep never inherits permission to delete. Requests carry no
   * secrets.
   */
  static String lastApplied(ProvisioningRequest r) {
    return MessageCodec.toJson(
        new ProvisioningRequest(
            r.apiVersion(),
            null,
            null,
            r.target(),
            r.service(),
            r.redis(),
            r.egress(),
            r.staticEgressIp(),
            null,
            null));
  }
}
