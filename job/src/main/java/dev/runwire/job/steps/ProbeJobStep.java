package dev.runwire.job.steps;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.UpdateJobRequest;
import com.google.cloud.run.v2.VpcAccess;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.Creator;
import dev.runwire.job.engine.Deleter;
import dev.runwire.job.engine.Observation.Progress;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.job.engine.StepContext;
import dev.runwire.job.engine.StepKind;
import dev.runwire.job.engine.StepOutput;
import dev.runwire.job.engine.Updater;
import dev.runwire.job.probe.RedisProbe;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.StepEvent.FieldDiff;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The probe job: a Cloud Run job {@code runwire-probe-<service>} in the service's project and
 * region, configured like the service where it matters for reaching Redis: the same {@code
 * vpcAccess} (connector or Direct VPC interfaces with their tags, and the egress setting), the same
 * service account, and the service's Redis env (host, port, the AUTH secret reference, the CA)
 * under the names the probe reads. It runs runwire's own image with the {@code probe} command, so
 * verify proves the path from the service's own network settings, not from the job's.
 */
final class ProbeJobStep extends ResourceStep<Job, ProbeJobStep.Spec>
    implements Creator<ProbeJobStep.Spec>, Updater<Job, ProbeJobStep.Spec>, Deleter<Job> {

  /**
   * The managed fields; {@code vpcAccess} in its JSON form, env in the service's spec form. {@code
   * envNames} catches a variable the service no longer has (a map diff compares only the desired
   * keys).
   */
  record Spec(
      String image,
      String serviceAccount,
      String vpcAccess,
      String envNames,
      Map<String, String> env,
      Map<String, String> labels) {
    Spec(
        String image,
        String serviceAccount,
        String vpcAccess,
        Map<String, String> env,
        Map<String, String> labels) {
      this(
          image,
          serviceAccount,
          vpcAccess,
          String.join(",", new TreeMap<>(env).keySet()),
          env,
          labels);
    }
  }

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final ProvisioningRequest request;
  private final CloudClients clients;
  private final Inventory inventory;
  private final ServiceWiring wiring;
  private final ApiLocation at;
  private final String service;
  private final ProbeImage probeImage;

  ProbeJobStep(
      ProvisioningRequest request,
      ApiLocation at,
      CloudClients clients,
      Inventory inventory,
      ProbeImage probeImage) {
    this.request = request;
    this.clients = clients;
    this.inventory = inventory;
    this.wiring = new ServiceWiring(request);
    this.at = at;
    this.service = request.service().name();
    this.probeImage = probeImage;
  }

  /** {@code runwire-probe-<service>}: at most 63 characters, as Cloud Run service names are 49. */
  static String jobId(String service) {
    return "runwire-probe-" + service;
  }

  String jobName() {
    return at.job(jobId(service));
  }

  @Override
  public StepKind kind() {
    return StepKind.PROBE_JOB;
  }

  @Override
  public String resource() {
    return Names.full("run", jobName());
  }

  @Override
  protected Optional<Job> read(StepContext ctx) {
    try {
      return Optional.of(ctx.call(() -> clients.jobs().getJob(jobName())));
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  protected Progress progress(Job job) {
    if (job.getReconciling() || job.getObservedGeneration() != job.getGeneration()) {
      return Progress.IN_PROGRESS;
    }
    return switch (job.getTerminalCondition().getState()) {
      case CONDITION_SUCCEEDED -> Progress.READY;
      case CONDITION_FAILED -> Progress.FAILED;
      default -> Progress.IN_PROGRESS;
    };
  }

  @Override
  protected String detail(Job job) {
    Condition c = job.getTerminalCondition();
    return c.getState().name() + (c.getMessage().isEmpty() ? "" : ": " + c.getMessage());
  }

  @Override
  protected Spec actual(Job job) {
    TaskTemplate t = job.getTemplate().getTemplate();
    Container c = t.getContainersCount() == 0 ? Container.getDefaultInstance() : t.getContainers(0);
    Map<String, String> env = new TreeMap<>();
    c.getEnvList()
        .forEach(
            e ->
                env.put(
                    e.getName(),
                    e.hasValueSource()
                        ? ServiceWiring.secretRef(
                            e.getValueSource().getSecretKeyRef().getSecret(),
                            e.getValueSource().getSecretKeyRef().getVersion())
                        : e.getValue()));
    Map<String, String> labels = new TreeMap<>();
    String managed = job.getLabelsMap().get(ManagedMarks.MANAGED_BY);
    if (managed != null) {
      labels.put(ManagedMarks.MANAGED_BY, managed);
    }
    return new Spec(c.getImage(), t.getServiceAccount(), json(t.getVpcAccess()), env, labels);
  }

  /**
   * The service as it is (apply and drift-check: what verify must prove) or as apply would leave it
   * (plan), reduced to what reaching Redis depends on.
   */
  @Override
  protected Spec desired(StepContext ctx) {
    String image = probeImage.image(ctx, clients);
    Optional<Service> live = inventory.service(at, service);
    Service basis =
        live.isPresent() && ctx.mode() != Mode.PLAN
            ? live.get()
            : wiring
                .apply(live.orElse(Service.getDefaultInstance()), wiring.desired(ctx, null, false))
                .build();
    Map<String, String> serviceEnv = ServiceWiring.actual(basis, null).env();
    ProvisioningRequest.EnvNames names = request.service().envNames();
    Map<String, String> env = new TreeMap<>();
    copy(serviceEnv, names.host(), env, RedisProbe.HOST);
    copy(serviceEnv, names.port(), env, RedisProbe.PORT);
    copy(serviceEnv, names.auth(), env, RedisProbe.AUTH);
    copy(serviceEnv, ServiceWiring.CA_ENV, env, RedisProbe.CA_CERT);
    if (ServiceWiring.tls(request)) {
      env.put(RedisProbe.TLS, "true");
    }
    env.put(RedisProbe.KEY, "runwire:verify:" + service);
    String account = basis.getTemplate().getServiceAccount();
    if (account.isEmpty()) {
      // Cloud Run runs a service without one as the project's default compute account.
      account =
          inventory
              .computeProject(at.project())
              .map(com.google.cloud.compute.v1.Project::getDefaultServiceAccount)
              .orElse("");
    }
    return new Spec(
        image,
        account,
        json(basis.getTemplate().getVpcAccess()),
        env,
        new TreeMap<>(ManagedMarks.label()));
  }

  private static void copy(
      Map<String, String> from, String name, Map<String, String> to, String as) {
    String value = from.get(name);
    if (value != null) {
      to.put(as, value);
    }
  }

  @Override
  protected StepOutput output(Job job, StepContext ctx) {
    return new StepOutputs.ProbeJob(job.getName());
  }

  @Override
  public void create(Spec desired, StepContext ctx) {
    Job job =
        Job.newBuilder().putAllLabels(desired.labels()).setTemplate(template(desired)).build();
    ctx.startAndAwait(
        () -> clients.jobs().createJobAsync(at.parent(), job, jobId(service)),
        "probe job " + jobId(service) + " created");
  }

  @Override
  public void update(Job actual, Spec desired, List<FieldDiff> diff, StepContext ctx) {
    ctx.startAndAwait(
        () -> {
          Job current = clients.jobs().getJob(jobName());
          Job changed =
              current.toBuilder()
                  .putAllLabels(desired.labels())
                  .setTemplate(template(desired))
                  .build();
          return clients
              .jobs()
              .updateJobAsync(UpdateJobRequest.newBuilder().setJob(changed).build());
        },
        "probe job " + jobId(service) + " updated");
  }

  @Override
  public void delete(Job actual, StepContext ctx) {
    ctx.startAndAwait(
        () -> clients.jobs().deleteJobAsync(jobName()), "probe job " + jobId(service) + " deleted");
  }

  /** One task, no retries (a failure is an answer, not a glitch), the {@code probe} command. */
  private static ExecutionTemplate template(Spec want) {
    Container.Builder c = Container.newBuilder().setImage(want.image()).addArgs("probe");
    Map<String, String> env = new LinkedHashMap<>(want.env());
    env.forEach((name, value) -> c.addEnv(ServiceWiring.envVar(name, value)));
    TaskTemplate.Builder t =
        TaskTemplate.newBuilder()
            .addContainers(c)
            .setMaxRetries(0)
            .setTimeout(Durations.fromSeconds(120))
            .setServiceAccount(want.serviceAccount());
    VpcAccess vpc = vpcAccess(want.vpcAccess());
    if (!vpc.equals(VpcAccess.getDefaultInstance())) {
      t.setVpcAccess(vpc);
    }
    return ExecutionTemplate.newBuilder().setTaskCount(1).setTemplate(t).build();
  }

  static String json(VpcAccess vpc) {
    try {
      return JSON.print(vpc);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static VpcAccess vpcAccess(String json) {
    VpcAccess.Builder b = VpcAccess.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return b.build();
  }
}
