package dev.runwire.job.steps;

import com.google.cloud.redis.v1.Instance;
import com.google.cloud.redis.v1.UpdateInstanceRequest;
import com.google.protobuf.FieldMask;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Memorystore for Redis instance. Memory size, labels and AUTH change in place (PATCH; turning
 * AUTH on gives a new AUTH string, which redis-auth-secret then stores), the version upgrades in
 * place ({@code :upgrade}, later versions only); data is kept in each case. Tier, TLS, connect
 * mode, reserved range and network are create-only: apply refuses such a change (the instance holds
 * data), and destroy deletes the instance only with {@code allowDataLoss}. The reserved range is
 * never compared after create: for private services access the request names an allocated range and
 * GET answers a CIDR inside it (terraform-google-memorystore#89; the provider ignores it on read).
 */
final class RedisInstanceStep extends ResourceStep<Instance, RedisInstanceStep.Spec>
    implements Creator<RedisInstanceStep.Spec>,
        Updater<Instance, RedisInstanceStep.Spec>,
        Deleter<Instance> {

  record Spec(
      String tier,
      Integer memorySizeGb,
      String redisVersion,
      String connectMode,
      Boolean authEnabled,
      String transitEncryptionMode,
      String reservedIpRange,
      String authorizedNetwork,
      Map<String, String> labels) {}

  private final CloudClients clients;
  private final Inventory inventory;
  private final ProvisioningRequest.Redis redis;
  private final ComputeLocation network;
  private final ApiLocation at;

  RedisInstanceStep(
      ProvisioningRequest request, ApiLocation at, CloudClients clients, Inventory inventory) {
    this.clients = clients;
    this.inventory = inventory;
    this.redis = request.redis();
    this.network = ComputeLocation.of(request);
    this.at = at;
  }

  @Override
  public StepKind kind() {
    return StepKind.REDIS_INSTANCE;
  }

  @Override
  public String resource() {
    return Names.full("redis", at.redisInstance(redis.name()));
  }

  @Override
  protected Optional<Instance> read(StepContext ctx) {
    return inventory.redisInstance(at, redis.name());
  }

  @Override
  protected Progress progress(Instance instance) {
    return instance.getState() == Instance.State.READY ? Progress.READY : Progress.IN_PROGRESS;
  }

  @Override
  protected String detail(Instance instance) {
    return instance.getState().name();
  }

  @Override
  protected Spec actual(Instance i) {
    return new Spec(
        i.getTier().name(),
        i.getMemorySizeGb(),
        i.getRedisVersion(),
        i.getConnectMode().name(),
        i.getAuthEnabled(),
        i.getTransitEncryptionMode().name(),
        redis.reservedIpRange(), // never compared after create (see the class comment)
        Names.last(i.getAuthorizedNetwork()),
        i.getLabelsMap());
  }

  @Override
  protected Spec desired(StepContext ctx) {
    return new Spec(
        redis.tier().name(),
        redis.memorySizeGb(),
        redis.version(),
        redis.connectMode().name(),
        redis.authEnabled(),
        redis.transitEncryption().name(),
        redis.reservedIpRange(),
        network.network(),
        ManagedMarks.label());
  }

  @Override
  protected Ownership ownership(Instance instance, StepContext ctx) {
    return ManagedMarks.isManaged(instance.getLabelsMap()) ? Ownership.MARKED : Ownership.NONE;
  }

  @Override
  protected Set<String> markFields() {
    return Set.of("labels");
  }

  @Override
  protected String notOwnedHint() {
    return "no label " + ManagedMarks.MANAGED_BY + ": " + ManagedMarks.RUNWIRE;
  }

  @Override
  protected StepOutput output(Instance instance, StepContext ctx) {
    return new StepOutputs.RedisEndpoint(instance.getHost(), instance.getPort());
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    if (redis.connectMode() == ProvisioningRequest.ConnectMode.PRIVATE_SERVICE_ACCESS) {
      PrivateServicesAccess.require(inventory, network, redis.reservedIpRange());
    }
    Instance.Builder instance =
        Instance.newBuilder()
            .setTier(Instance.Tier.valueOf(desired.tier()))
            .setMemorySizeGb(desired.memorySizeGb())
            .setRedisVersion(desired.redisVersion())
            .setConnectMode(Instance.ConnectMode.valueOf(desired.connectMode()))
            .setAuthEnabled(desired.authEnabled())
            .setTransitEncryptionMode(
                Instance.TransitEncryptionMode.valueOf(desired.transitEncryptionMode()))
            .setAuthorizedNetwork(network.networkName())
            .putAllLabels(desired.labels());
    if (desired.reservedIpRange() != null) {
      instance.setReservedIpRange(desired.reservedIpRange());
    }
    ctx.startAndAwait(
        () -> clients.redis().createInstanceAsync(at.parent(), redis.name(), instance.build()),
        "Redis instance " + redis.name() + " created");
  }

  @Override
  public Set<String> replacementFields() {
    return Set.of(
        "tier", "connectMode", "transitEncryptionMode", "reservedIpRange", "authorizedNetwork");
  }

  @Override
  public void update(Instance actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    RedisVersions.requireUpgrade(actual.getRedisVersion(), desired.redisVersion(), resource());
    List<String> paths = new ArrayList<>();
    Instance.Builder changed = actual.toBuilder();
    if (actual.getMemorySizeGb() != desired.memorySizeGb()) {
      changed.setMemorySizeGb(desired.memorySizeGb());
      paths.add("memory_size_gb");
    }
    if (!actual.getLabelsMap().entrySet().containsAll(desired.labels().entrySet())) {
      changed.putAllLabels(desired.labels());
      paths.add("labels");
    }
    if (actual.getAuthEnabled() != desired.authEnabled()) {
      changed.setAuthEnabled(desired.authEnabled());
      paths.add("auth_enabled");
    }
    if (!paths.isEmpty()) {
      UpdateInstanceRequest request =
          UpdateInstanceRequest.newBuilder()
              .setInstance(changed)
              .setUpdateMask(FieldMask.newBuilder().addAllPaths(paths))
              .build();
      ctx.startAndAwait(
          () -> clients.redis().updateInstanceAsync(request),
          "Redis instance " + redis.name() + " updated");
    }
    if (!actual.getRedisVersion().equals(desired.redisVersion())) {
      ctx.startAndAwait(
          () -> clients.redis().upgradeInstanceAsync(actual.getName(), desired.redisVersion()),
          "Redis instance " + redis.name() + " upgraded to " + desired.redisVersion());
    }
  }

  @Override
  public void delete(Instance actual, StepContext ctx) {
    ctx.startAndAwait(
        () -> clients.redis().deleteInstanceAsync(actual.getName()),
        "Redis instance " + redis.name() + " deleted");
  }

  @Override
  protected String keepOnDestroy(Instance actual, StepContext ctx) {
    return ctx.request().allowDataLoss()
        ? null
        : "kept: the instance holds data; set allowDataLoss: true to delete it";
  }
}
