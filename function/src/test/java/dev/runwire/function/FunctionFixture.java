package dev.runwire.function;

import com.google.cloud.run.v2.JobName;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.cloud.StructuredLog;
import dev.runwire.schemas.validation.RequestValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The function called directly, built as the framework builds it from its environment (config, a
 * launcher with the production margins, intake, structured log), with its events and log recorded:
 * the one setup of every test that calls {@code accept} itself. With {@link #onLocalCloud} it owns
 * a local cloud whose jobs run as local processes, and its environment points there. {@link #reset}
 * after each test closes the launchers and forgets the events; {@link #close} after all.
 */
final class FunctionFixture implements AutoCloseable {

  final RecordingEventSink events = new RecordingEventSink();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final List<CloudRunJobLauncher> launchers = new ArrayList<>();
  private final LocalCloud cloud;
  private final LocalJobs jobs;

  /** No cloud: the environment names one (or none) itself. */
  FunctionFixture() {
    this.cloud = null;
    this.jobs = null;
  }

  private FunctionFixture(LocalCloud cloud) throws Exception {
    this.cloud = cloud;
    this.jobs = new LocalJobs(cloud.baseUrl());
  }

  /** Starts {@code cloud} and the test's view of its jobs. */
  static FunctionFixture onLocalCloud(LocalCloud.Builder cloud) throws Exception {
    return new FunctionFixture(cloud.start());
  }

  LocalCloud cloud() {
    return cloud;
  }

  LocalJobs jobs() {
    return jobs;
  }

  /** The local cloud's client settings, {@code RUNWIRE_JOB=job}, then {@code extra}. */
  Map<String, String> env(JobName job, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(cloud.clientEnv());
    env.put("RUNWIRE_JOB", job.toString());
    env.putAll(extra);
    return env;
  }

  ProvisioningRequestFunction function(Map<String, String> env) {
    return function(env, CloudRunJobLauncher.DEFAULT_RECHECK_MARGIN);
  }

  ProvisioningRequestFunction function(Map<String, String> env, Duration recheckMargin) {
    FunctionConfig config = FunctionConfig.fromEnv(env);
    CloudRunJobLauncher launcher =
        launcher(config.job(), config.endpoints(), recheckMargin, config.executionSlack());
    StructuredLog log =
        new StructuredLog(
            new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
    return new ProvisioningRequestFunction(
        config,
        new RequestIntake(
            RequestValidator.standard(), launcher, events, config, log, Clock.systemUTC()));
  }

  /** A launcher of its own (closed by {@link #reset}). */
  CloudRunJobLauncher launcher(
      JobName job, CloudEndpoints endpoints, Duration recheckMargin, Duration windowSlack) {
    CloudRunJobLauncher launcher =
        CloudRunJobLauncher.create(job, endpoints, recheckMargin, windowSlack);
    launchers.add(launcher);
    return launcher;
  }

  /** Everything the functions built here logged. */
  String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  void reset() {
    launchers.forEach(CloudRunJobLauncher::close);
    launchers.clear();
    events.clear();
  }

  @Override
  public void close() {
    reset();
    if (jobs != null) {
      jobs.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }
}
