package dev.runwire.job;

import dev.runwire.job.engine.StepKind;
import dev.runwire.job.steps.ProbeImage;
import dev.runwire.schemas.JobEnvironment;
import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.policy.DeploymentPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The job's configuration, read once from the environment. Every bad value is reported (by variable
 * name, with the fix) instead of guessed around; see {@link #problems()}.
 *
 * @param policy what a request may ask for (projects, regions, images, public services, adoption,
 *     data loss); checked at start, before any API call
 * @param parallelism how many steps may run at once; 1 runs them one by one in {@code stepOrder}
 * @param stepOrder the order of a one-by-one run (the plan's order for steps not listed)
 * @param probeImage where the probe job's image comes from: {@code RUNWIRE_PROBE_IMAGE}; else, in a
 *     Cloud Run task, the image of runwire's own job; else, against the local cloud, {@code
 *     local/runwire-job}, which the local cloud maps to the job jar
 */
public record JobConfig(
    String request,
    String eventsTopic,
    CloudEndpoints endpoints,
    DeploymentPolicy policy,
    Duration stepTimeout,
    Duration pollInitialDelay,
    Duration retryInitialDelay,
    int parallelism,
    List<StepKind> stepOrder,
    String jobName,
    String executionId,
    int taskIndex,
    int taskCount,
    int taskAttempt,
    ProbeImage probeImage,
    List<String> problems) {

  public static final String PROBE_IMAGE = "RUNWIRE_PROBE_IMAGE";

  /** The image the local cloud maps to the job jar. */
  public static final String LOCAL_PROBE_IMAGE = "local/runwire-job";

  public static final String REQUEST = JobEnvironment.REQUEST;
  public static final String EVENTS_TOPIC = JobEnvironment.EVENTS_TOPIC;
  public static final String STEP_TIMEOUT = "RUNWIRE_STEP_TIMEOUT";
  public static final String POLL_INITIAL_DELAY = "RUNWIRE_POLL_INITIAL_DELAY";
  public static final String RETRY_INITIAL_DELAY = "RUNWIRE_RETRY_INITIAL_DELAY";
  public static final String PARALLELISM = "RUNWIRE_PARALLELISM";
  public static final String STEP_ORDER = "RUNWIRE_STEP_ORDER";

  public static JobConfig fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Duration timeout = duration(env, STEP_TIMEOUT, Duration.ofMinutes(30), problems);
    Duration poll = duration(env, POLL_INITIAL_DELAY, Duration.ofSeconds(5), problems);
    Duration retry = duration(env, RETRY_INITIAL_DELAY, Duration.ofMillis(250), problems);
    int parallelism = integer(env, PARALLELISM, 16, 1, problems);
    List<StepKind> order = new ArrayList<>();
    for (String name : list(env.get(STEP_ORDER))) {
      try {
        order.add(StepKind.fromWire(name));
      } catch (IllegalArgumentException e) {
        problems.add(
            STEP_ORDER
                + ": unknown step '"
                + name
                + "'; use names from: "
                + Arrays.stream(StepKind.values())
                    .map(StepKind::wire)
                    .collect(Collectors.joining(",")));
      }
    }
    int taskCount = integer(env, "CLOUD_RUN_TASK_COUNT", 1, 1, problems);
    int taskIndex = integer(env, "CLOUD_RUN_TASK_INDEX", 0, 0, problems);
    if (taskIndex >= taskCount) {
      problems.add(
          "CLOUD_RUN_TASK_INDEX " + taskIndex + " must be below CLOUD_RUN_TASK_COUNT " + taskCount);
    }
    DeploymentPolicy.Reading policy = DeploymentPolicy.read(env);
    problems.addAll(policy.problems());
    String execution = blankToNull(env.get("CLOUD_RUN_EXECUTION"));
    String cloudRunJob = blankToNull(env.get("CLOUD_RUN_JOB"));
    return new JobConfig(
        JobEnvironment.from(env).requestJson(),
        blankToNull(env.get(EVENTS_TOPIC)),
        CloudEndpoints.fromEnv(env),
        policy.policy(),
        timeout,
        poll,
        retry,
        parallelism,
        List.copyOf(order),
        cloudRunJob,
        execution != null ? execution : "local-" + UUID.randomUUID().toString().substring(0, 8),
        taskIndex,
        taskCount,
        integer(env, "CLOUD_RUN_TASK_ATTEMPT", 0, 0, problems),
        probeImage(env, cloudRunJob),
        List.copyOf(problems));
  }

  /**
   * {@code RUNWIRE_PROBE_IMAGE}; else, in a Cloud Run task ({@code CLOUD_RUN_JOB} set), the image
   * of runwire's own job (the probe is the same binary); else, on a command line against the local
   * cloud, {@code local/runwire-job}.
   */
  private static ProbeImage probeImage(Map<String, String> env, String cloudRunJob) {
    String named = blankToNull(env.get(PROBE_IMAGE));
    if (named == null
        && cloudRunJob == null
        && blankToNull(env.get(CloudEndpoints.LOCAL_CLOUD_ENV)) != null) {
      named = LOCAL_PROBE_IMAGE;
    }
    return ProbeImage.of(named, cloudRunJob, blankToNull(env.get("GCE_METADATA_HOST")));
  }

  private static Duration duration(
      Map<String, String> env, String name, Duration fallback, List<String> problems) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        problems.add(name + ": must be positive, e.g. " + fallback);
        return fallback;
      }
      return d;
    } catch (DateTimeParseException e) {
      problems.add(
          name
              + ": '"
              + value
              + "' is not an ISO-8601 duration; write e.g. "
              + fallback
              + " or PT0.05S");
      return fallback;
    }
  }

  private static int integer(
      Map<String, String> env, String name, int fallback, int min, List<String> problems) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min) {
        problems.add(name + ": must be at least " + min + ", was " + n);
        return fallback;
      }
      return n;
    } catch (NumberFormatException e) {
      problems.add(name + ": '" + value + "' is not a whole number");
      return fallback;
    }
  }

  private static List<String> list(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
