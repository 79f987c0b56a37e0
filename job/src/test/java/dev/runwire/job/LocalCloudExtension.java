package dev.runwire.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.testing.JobCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real local cloud for one test class: started before its first test, closed after its last,
 * with clients pointed at it and the job run against it. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalCloudExtension local =
 *     LocalCloudExtension.withProbeJob().customNetwork("runwire-net").freshPerTest();
 * }</pre>
 *
 * <p>{@link #freshPerTest()} gives every test an empty project (the custom network, if any, made
 * again) and an empty request log; without it the cloud's state runs on from test to test and the
 * network is made once.
 */
final class LocalCloudExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final LocalCloud.Builder builder;
  private String network;
  private boolean freshPerTest;
  private LocalCloud cloud;
  private CloudClients clients;

  private LocalCloudExtension(LocalCloud.Builder builder) {
    this.builder = builder;
  }

  /** The instant profile: every operation done at once. */
  static LocalCloudExtension instant() {
    return new LocalCloudExtension(LocalCloud.builder().profile("instant"));
  }

  /** The instant profile, running the job's probe image as the job's main on this classpath. */
  static LocalCloudExtension withProbeJob() {
    return instant().image(JobConfig.LOCAL_PROBE_IMAGE);
  }

  /** {@code image} runs the job's main on this test classpath. */
  LocalCloudExtension image(String image) {
    builder.imageCommand(image, JobCommand.onTestClasspath());
    return this;
  }

  /** How long the local cloud takes for {@code key} (e.g. {@code redis.create}). */
  LocalCloudExtension duration(String key, Duration duration) {
    builder.duration(key, duration);
    return this;
  }

  /** A custom-mode network {@code name} in the test project, as the requests expect. */
  LocalCloudExtension customNetwork(String name) {
    this.network = name;
    return this;
  }

  /** Before each test: the cloud reset, the network made again, the request log emptied. */
  LocalCloudExtension freshPerTest() {
    this.freshPerTest = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cloud = builder.start();
    if (!freshPerTest && network != null) {
      FullApplyTest.createCustomNetwork(clients(), network);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (freshPerTest) {
      cloud.reset();
      if (network != null) {
        FullApplyTest.createCustomNetwork(clients(), network);
      }
      cloud.resetLog();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (clients != null) {
      clients.close();
      clients = null;
    }
    if (cloud != null) {
      cloud.close();
      cloud = null;
    }
  }

  LocalCloud cloud() {
    return cloud;
  }

  /** Clients pointed at the cloud, made on first use and closed with it. */
  synchronized CloudClients clients() {
    if (clients == null) {
      clients = FullApplyTest.clientsOf(cloud);
    }
    return clients;
  }

  /** {@code env} pointing the job at this cloud. */
  Map<String, String> env(Map<String, String> env) {
    Map<String, String> local = new HashMap<>(env);
    local.put("RUNWIRE_LOCAL_CLOUD", cloud.baseUrl());
    return local;
  }

  /** The job with {@code env}, pointed at this cloud (and allowing {@code local/} images). */
  RunwireJob job(JobOutput output, Map<String, String> env) {
    return JobAtStart.job(env(env), output);
  }

  /** A whole run of {@code request} on this cloud, with quick polls. */
  int run(JsonObject request, JobOutput output) {
    return JobRunTest.run(cloud, request, output);
  }

  /** A whole run of {@code request} on this cloud with {@code env} added. */
  int run(JsonObject request, JobOutput output, Map<String, String> env) {
    return JobRunTest.run(cloud, request, output, env);
  }

  void assertNoCall(String why) {
    assertEquals(List.of(), cloud.requestLog(), why);
  }
}
