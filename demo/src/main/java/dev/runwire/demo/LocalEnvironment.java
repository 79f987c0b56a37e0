package dev.runwire.demo;

import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ContainerPort;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.CreateServiceRequest;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.IngressTraffic;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobName;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.LocationName;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import com.google.pubsub.v1.PubsubMessage;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.core.Faults;
import dev.runwire.emulator.pubsub.PubSubEmulatorProcess;
import dev.runwire.processes.ChildProcess;
import dev.runwire.schemas.cloud.CloudEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Everything runwire needs, running locally on real parts: Google's Pub/Sub emulator with runwire's
 * topics, the local cloud with the {@code runwire-job} Cloud Run job, the function in the Functions
 * Framework invoker fed by the {@link EventarcBridge}, and an {@link EventFeed} on the events
 * topic. The demo and the end-to-end tests both start one. Closing it stops every process it
 * started, in reverse order; a shutdown hook does the same on Ctrl-C.
 */
final class LocalEnvironment implements AutoCloseable {

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(LocalEnvironment.class.getName());

  static final String PROJECT = "runwire-demo";
  static final String REGION = "us-central1";
  static final String JOB_ID = "runwire-job";
  static final String JOB_IMAGE = "local/runwire-job";
  static final String SAMPLE_IMAGE = "local/visitor-counter";

  /**
   * The deployment policy the demo needs, set explicitly so the defaults stay strict: the local
   * cloud's images ({@code local/...}) and the public sample service.
   */
  static final Map<String, String> DEMO_POLICY =
      Map.of("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/", "RUNWIRE_ALLOW_PUBLIC_SERVICES", "true");

  /**
   * What to start.
   *
   * @param profile the local cloud's latency profile
   * @param faults the rate of transient errors the local cloud injects
   * @param pubsubTopology the topics and subscriptions (project, delivery attempts, backoff)
   */
  record Settings(
      ProjectLayout layout,
      Path logDir,
      String profile,
      double faults,
      PubSubTopology pubsubTopology) {

    static Settings of(ProjectLayout layout, Path logDir, String profile, double faults) {
      return new Settings(layout, logDir, profile, faults, PubSubTopology.standard(PROJECT));
    }
  }

  /** One part that came up, for the start-up summary. */
  record Part(String name, String where, Duration took) {}

  private final Settings settings;
  private final Consumer<String> log;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<Part> parts = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread shutdownHook = new Thread(this::closeQuietly, "runwire-demo-stop");
  private volatile boolean closed;

  private PubSubEmulatorProcess pubsubEmulator;
  private PubSubClients pubsub;
  private LocalCloud cloud;
  private CloudEndpoints endpoints;
  private JobsClient jobs;
  private ServicesClient services;
  private ExecutionsClient executions;
  private FunctionInvoker invoker;
  private EventarcBridge bridge;
  private EventFeed feed;
  private Publisher requests;

  private LocalEnvironment(Settings settings, Consumer<String> log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Starts everything. On failure, stops what did start and rethrows.
   *
   * @param log receives the bridge's delivery lines and problems reading events
   */
  static LocalEnvironment start(Settings settings, Consumer<String> log) {
    LocalEnvironment env = new LocalEnvironment(settings, log);
    Runtime.getRuntime().addShutdownHook(env.shutdownHook);
    try {
      env.startAll();
      return env;
    } catch (RuntimeException | Error e) {
      env.close();
      throw e;
    }
  }

  private void startAll() {
    ProjectLayout layout = settings.layout();
    List<String> missing = layout.missingJars();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "not built yet: "
              + String.join(", ", missing)
              + ". Build with ./mvnw -q -DskipTests package");
    }
    try {
      Files.createDirectories(settings.logDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + settings.logDir(), e);
    }
    // The Pub/Sub emulator's JVM takes seconds to come up: start the local cloud meanwhile.
    long t0 = System.nanoTime();
    CompletableFuture<PubSubEmulatorProcess> emulator =
        CompletableFuture.supplyAsync(
            () -> PubSubEmulatorProcess.start(settings.logDir().resolve("pubsub-emulator.log")));
    try {
      long c0 = System.nanoTime();
      cloud =
          LocalCloud.builder()
              .profile(settings.profile())
              .workDir(settings.logDir().resolve("local-cloud"))
              .imageCommand(
                  JOB_IMAGE,
                  List.of(
                      ChildProcess.javaBinary(),
                      "-XX:TieredStopAtLevel=1",
                      "-XX:+UseSerialGC",
                      "-jar",
                      layout.jobJar().toString()))
              .imageCommand(
                  SAMPLE_IMAGE,
                  List.of(
                      ChildProcess.javaBinary(),
                      "-XX:TieredStopAtLevel=1",
                      "-XX:+UseSerialGC",
                      "-jar",
                      layout.visitorCounterJar().toString()))
              .start();
      started.push(cloud);
      parts.add(new Part("local cloud", cloud.baseUrl(), since(c0)));
    } finally {
      pubsubEmulator = join(emulator);
      if (pubsubEmulator != null) {
        started.push(pubsubEmulator);
      }
    }
    parts.add(new Part("Pub/Sub emulator", pubsubEmulator.hostPort(), since(t0)));

    endpoints = CloudEndpoints.local(cloud.baseUrl(), pubsubEmulator.hostPort());
    pubsub = new PubSubClients(pubsubEmulator.hostPort());
    started.push(pubsub);

    // The invoker's JVM starts while the topics, the job and the sample service are created.
    long f0 = System.nanoTime();
    invoker =
        FunctionInvoker.start(
            layout.invokerJar(),
            layout.functionJar(),
            functionEnv(),
            settings.logDir().resolve("function.log"));
    started.push(invoker);

    settings.pubsubTopology().create(pubsub);
    createRunClients();
    createJob();

    invoker.awaitReady();
    parts.add(new Part("function", invoker.url() + " (Functions Framework)", since(f0)));

    feed = new EventFeed(pubsub, settings.pubsubTopology().eventsSubscription(), log).start();
    started.push(feed);
    bridge =
        new EventarcBridge(
                pubsub,
                settings.pubsubTopology().requestsSubscription(),
                settings.pubsubTopology().requestsTopic(),
                invoker.url(),
                line -> log.accept("eventarc: " + line))
            .start();
    started.push(bridge);
    requests = pubsub.publisher(settings.pubsubTopology().requestsTopic());
    started.push(
        () -> {
          requests.shutdown();
          requests.awaitTermination(5, TimeUnit.SECONDS);
        });
  }

  /** The env the function runs with, as terraform-bootstrap sets it in Google Cloud. */
  private Map<String, String> functionEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RUNWIRE_JOB", jobName().toString());
    env.put("RUNWIRE_EVENTS_TOPIC", settings.pubsubTopology().eventsTopic().toString());
    env.put(CloudEndpoints.LOCAL_CLOUD_ENV, cloud.baseUrl());
    env.put(CloudEndpoints.PUBSUB_EMULATOR_ENV, pubsubEmulator.hostPort());
    env.putAll(DEMO_POLICY);
    return env;
  }

  /** The env of the job's container, as terraform-bootstrap sets it in Google Cloud. */
  private Map<String, String> jobEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RUNWIRE_EVENTS_TOPIC", settings.pubsubTopology().eventsTopic().toString());
    env.put(CloudEndpoints.LOCAL_CLOUD_ENV, cloud.baseUrl());
    env.put(CloudEndpoints.PUBSUB_EMULATOR_ENV, pubsubEmulator.hostPort());
    env.put("RUNWIRE_POLL_INITIAL_DELAY", "PT0.05S");
    env.putAll(DEMO_POLICY);
    return env;
  }

  private void createRunClients() {
    try {
      JobsSettings.Builder jobSettings =
          endpoints.configure(CloudEndpoints.Api.RUN, JobsSettings.newHttpJsonBuilder());
      jobSettings.createJobOperationSettings().setPollingAlgorithm(fastPolling());
      ServicesSettings.Builder serviceSettings =
          endpoints.configure(CloudEndpoints.Api.RUN, ServicesSettings.newHttpJsonBuilder());
      serviceSettings.createServiceOperationSettings().setPollingAlgorithm(fastPolling());
      serviceSettings.updateServiceOperationSettings().setPollingAlgorithm(fastPolling());
      serviceSettings.deleteServiceOperationSettings().setPollingAlgorithm(fastPolling());
      jobs = JobsClient.create(jobSettings.build());
      started.push(jobs);
      services = ServicesClient.create(serviceSettings.build());
      started.push(services);
      executions =
          ExecutionsClient.create(
              endpoints
                  .configure(CloudEndpoints.Api.RUN, ExecutionsSettings.newHttpJsonBuilder())
                  .build());
      started.push(executions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Run clients", e);
    }
  }

  /** Local operations finish in milliseconds: poll every 50-500 ms, not after seconds. */
  private static OperationTimedPollAlgorithm fastPolling() {
    return OperationTimedPollAlgorithm.create(
        RetrySettings.newBuilder()
            .setInitialRetryDelayDuration(Duration.ofMillis(50))
            .setRetryDelayMultiplier(1.5)
            .setMaxRetryDelayDuration(Duration.ofMillis(500))
            .setInitialRpcTimeoutDuration(Duration.ZERO)
            .setRpcTimeoutMultiplier(1.0)
            .setMaxRpcTimeoutDuration(Duration.ZERO)
            .setTotalTimeoutDuration(Duration.ofMinutes(10))
            .build());
  }

  /** Creates the {@code runwire-job} Cloud Run job, as terraform-bootstrap does. */
  private void createJob() {
    long t0 = System.nanoTime();
    Container.Builder container = Container.newBuilder().setName(JOB_ID).setImage(JOB_IMAGE);
    jobEnv().forEach((k, v) -> container.addEnv(EnvVar.newBuilder().setName(k).setValue(v)));
    Job job =
        Job.newBuilder()
            .setTemplate(
                ExecutionTemplate.newBuilder()
                    .setTaskCount(1)
                    .setTemplate(
                        TaskTemplate.newBuilder()
                            .addContainers(container)
                            // Google's default (and terraform-bootstrap's) is 1 retry; locally a
                            // failed or drifted run is reported once, not twice.
                            .setMaxRetries(0)
                            .setTimeout(Durations.fromSeconds(3600))))
            .build();
    await(
        jobs.createJobAsync(
            CreateJobRequest.newBuilder()
                .setParent(LocationName.of(PROJECT, REGION).toString())
                .setJobId(JOB_ID)
                .setJob(job)
                .build()),
        "create the Cloud Run job " + JOB_ID);
    parts.add(new Part("Cloud Run job", JOB_ID + " in " + PROJECT + "/" + REGION, since(t0)));
  }

  /**
   * Deploys a service with {@code image} in the local cloud, as a team would before asking runwire
   * to wire it: no Redis env yet, no VPC access.
   *
   * @return the service as deployed, with its URL
   */
  Service deployService(String project, String region, String name, String image) {
    return deployService(project, region, name, image, Map.of());
  }

  /** The same, with {@code env} set on the container by its owner (not by runwire). */
  Service deployService(
      String project, String region, String name, String image, Map<String, String> env) {
    long t0 = System.nanoTime();
    Container.Builder container =
        Container.newBuilder()
            .setImage(image)
            .addPorts(ContainerPort.newBuilder().setContainerPort(8080));
    env.forEach((k, v) -> container.addEnv(EnvVar.newBuilder().setName(k).setValue(v)));
    Service service =
        Service.newBuilder()
            .setIngress(IngressTraffic.INGRESS_TRAFFIC_ALL)
            .setTemplate(RevisionTemplate.newBuilder().addContainers(container))
            .build();
    Service deployed =
        await(
            services.createServiceAsync(
                CreateServiceRequest.newBuilder()
                    .setParent(LocationName.of(project, region).toString())
                    .setServiceId(name)
                    .setService(service)
                    .build()),
            "deploy the service " + name);
    // As `gcloud run deploy --allow-unauthenticated` does: the owner makes it public. runwire
    // did not create this service, so it would refuse to change who may invoke it (NotOwned).
    services.setIamPolicy(
        com.google.iam.v1.SetIamPolicyRequest.newBuilder()
            .setResource(deployed.getName())
            .setPolicy(
                com.google.iam.v1.Policy.newBuilder()
                    .addBindings(
                        com.google.iam.v1.Binding.newBuilder()
                            .setRole("roles/run.invoker")
                            .addMembers("allUsers")))
            .build());
    parts.add(new Part("sample service", name + " at " + deployed.getUri(), since(t0)));
    return deployed;
  }

  /**
   * Turns on the transient error rate from the settings. Called once the job and the sample service
   * exist, so faults hit runwire's own calls (which retry), not the set-up.
   */
  void injectFaults() {
    if (settings.faults() > 0) {
      cloud.faults().errorRate(Faults.ALL, settings.faults());
    }
  }

  /**
   * Sets the job's {@code maxRetries} (terraform-bootstrap's {@code job_max_retries}): how often
   * Cloud Run reruns a failed or killed task.
   */
  void jobMaxRetries(int retries) {
    Job job = jobs.getJob(jobName());
    Job.Builder changed = job.toBuilder();
    changed.getTemplateBuilder().getTemplateBuilder().setMaxRetries(retries);
    await(jobs.updateJobAsync(changed.build()), "set the job's maxRetries to " + retries);
  }

  Service service(String project, String region, String name) {
    return services.getService(ServiceName.of(project, region, name));
  }

  /** Publishes a request to the requests topic; returns the Pub/Sub message id. */
  String publish(String json) {
    return publish(PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(json)).build());
  }

  String publish(PubsubMessage message) {
    try {
      return requests.publish(message).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not publish to " + requests.getTopicNameString(), e);
    }
  }

  /** Follows {@code requestId} on the events topic from now on. */
  RequestTracker track(String requestId) {
    RequestTracker tracker = new RequestTracker(requestId);
    feed.listen(tracker);
    return tracker;
  }

  /** Every event on the events topic from now on, whatever request it is about. */
  AutoCloseable onEvent(Consumer<dev.runwire.schemas.events.RunwireEvent> listener) {
    return feed.listen(listener);
  }

  JobName jobName() {
    return JobName.of(PROJECT, REGION, JOB_ID);
  }

  List<Part> parts() {
    return List.copyOf(parts);
  }

  LocalCloud cloud() {
    return cloud;
  }

  PubSubEmulatorProcess pubsubEmulator() {
    return pubsubEmulator;
  }

  PubSubClients pubsub() {
    return pubsub;
  }

  PubSubTopology topology() {
    return settings.pubsubTopology();
  }

  FunctionInvoker invoker() {
    return invoker;
  }

  EventarcBridge bridge() {
    return bridge;
  }

  ExecutionsClient executions() {
    return executions;
  }

  ServicesClient services() {
    return services;
  }

  Path logDir() {
    return settings.logDir();
  }

  /** Stops everything in reverse start order. */
  @Override
  public void close() {
    closeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook is this very call
    }
  }

  private synchronized void closeQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      long t0 = System.nanoTime();
      try {
        part.close();
        LOG.info(
            () ->
                "stopped "
                    + part.getClass().getSimpleName()
                    + " in "
                    + since(t0).toMillis()
                    + " ms");
      } catch (Exception e) {
        log.accept("stopping " + part.getClass().getSimpleName() + " failed: " + e);
      }
    }
  }

  private static <T> T await(java.util.concurrent.Future<T> future, String what) {
    try {
      return future.get(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: could not " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not " + what + " within 2 minutes", e);
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
