package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.Service;
import com.google.gson.JsonObject;
import dev.runwire.emulator.core.ApiSurface;
import dev.runwire.emulator.core.CloudCore;
import dev.runwire.emulator.core.Connectors;
import dev.runwire.emulator.core.InProcessRoutes;
import dev.runwire.emulator.core.LatencyKey;
import dev.runwire.emulator.core.Networks;
import dev.runwire.emulator.core.ProtoJson;
import dev.runwire.emulator.core.Routes;
import dev.runwire.emulator.core.SecretValues;
import dev.runwire.emulator.run.v1.RunV1Routes;
import java.util.List;

/**
 * Cloud Run Admin v2 (services, jobs, executions, IAM and their operations) and v1, the
 * Knative-style API gcloud speaks, as a projection of the same v2 state ({@link RunV1Routes}).
 */
public final class RunSurface implements ApiSurface {

  private final RunIam iam = new RunIam();
  private final ProtoJson json;
  private final RunServices services;
  private final RunJobs jobs;
  private final RunV1Routes v1;

  public RunSurface(
      CloudCore core, Networks networks, Connectors connectors, SecretValues secrets) {
    this.json = core.json();
    RevisionChecks checks = new RevisionChecks(networks, connectors, secrets);
    this.services = new RunServices(core, checks, iam);
    this.jobs = new RunJobs(core, checks, iam);
    InProcessRoutes v2 = new InProcessRoutes(json);
    services.registerRoutes(v2.routes(api()));
    jobs.registerRoutes(v2.routes(api()));
    this.v1 = new RunV1Routes(v2);
    core.json()
        .registerAnyTypes(Service.getDescriptor(), Job.getDescriptor(), Execution.getDescriptor());
  }

  @Override
  public String api() {
    return "run";
  }

  @Override
  public void registerRoutes(Routes routes) {
    services.registerRoutes(routes);
    jobs.registerRoutes(routes);
    v1.registerRoutes(routes);
  }

  @Override
  public List<LatencyKey> latencyKeys() {
    return List.of(
        RunServices.CREATE,
        RunServices.UPDATE,
        RunServices.DELETE,
        RunServices.SUBNET_RELEASE,
        RunJobs.CREATE,
        RunJobs.UPDATE,
        RunJobs.DELETE,
        RunJobs.START);
  }

  @Override
  public JsonObject snapshot() {
    JsonObject out = jobs.snapshot();
    out.add("services", services.snapshot());
    return out;
  }

  @Override
  public boolean changeOutOfBand(String name, JsonObject patch) {
    return services.changeOutOfBand(name, patch) || jobs.changeOutOfBand(name, patch);
  }

  /** The snapshot plus the IAM policies and the services' revision counters. */
  @Override
  public JsonObject save() {
    JsonObject out = snapshot();
    out.add("revisionCounters", services.saveRevisionCounters());
    out.add("iam", iam.save(json));
    return out;
  }

  @Override
  public void load(JsonObject saved) {
    services.load(saved.getAsJsonArray("services"), saved.getAsJsonObject("revisionCounters"));
    jobs.load(saved.getAsJsonArray("jobs"), saved.getAsJsonArray("executions"));
    iam.load(saved.getAsJsonObject("iam"), json);
  }

  @Override
  public void resume() {
    services.resume();
    jobs.resume();
  }

  @Override
  public void reset() {
    jobs.reset();
    services.reset();
    iam.reset();
  }
}
