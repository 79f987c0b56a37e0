package dev.runwire.function;

import com.google.cloud.run.v2.JobName;
import dev.runwire.schemas.JobEnvironment;
import dev.runwire.schemas.cloud.CloudEndpoints;
import dev.runwire.schemas.policy.DeploymentPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the function reads from its environment, checked once at start-up so that a
 * misconfigured deployment fails with a message naming the variable and the fix instead of
 * misbehaving on the first request.
 *
 * @param job the job every valid request runs
 * @param maxTasks the most tasks a scoped drift check fans out to
 * @param maxMessageBytes the largest request (decoded Pub/Sub data) the function reads
 * @param deadLetterPermanentFailures throw after publishing a launch-failed event, so Pub/Sub
 *     redelivers and finally dead-letters the message
 * @param eventsTopic {@code projects/P/topics/T}, or {@code null} to log events only
 * @param eventSource the CloudEvents {@code source} of the events this function publishes
 * @param policy what a request may ask for; a refused request is rejected before any execution
 * @param executionSlack added to the job template's longest run when the duplicate check decides
 *     how far back a running execution can be ({@link ExecutionWindow})
 */
public record FunctionConfig(
    JobName job,
    int maxTasks,
    int maxMessageBytes,
    boolean deadLetterPermanentFailures,
    String eventsTopic,
    String eventSource,
    CloudEndpoints endpoints,
    DeploymentPolicy policy,
    Duration executionSlack) {

  public static final String JOB_ENV = "RUNWIRE_JOB";
  public static final String MAX_TASKS_ENV = "RUNWIRE_MAX_TASKS";
  public static final String MAX_MESSAGE_BYTES_ENV = "RUNWIRE_MAX_MESSAGE_BYTES";
  public static final String DEAD_LETTER_ENV = "RUNWIRE_DEAD_LETTER_PERMANENT_FAILURES";
  public static final String EVENTS_TOPIC_ENV = JobEnvironment.EVENTS_TOPIC;
  public static final String EXECUTION_SLACK_ENV = "RUNWIRE_EXECUTION_SLACK_SECONDS";

  /** Cloud Run's own limit on tasks per execution. */
  static final int CLOUD_RUN_MAX_TASKS = 10_000;

  static final int DEFAULT_MAX_TASKS = 10;
  static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;

  /** Pub/Sub's own limit on a message. */
  private static final int PUBSUB_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

  public static FunctionConfig fromEnv(Map<String, String> env) {
    JobName job = jobName(env.get(JOB_ENV));
    int maxTasks = positiveInt(env, MAX_TASKS_ENV, DEFAULT_MAX_TASKS, CLOUD_RUN_MAX_TASKS);
    int maxBytes =
        positiveInt(
            env, MAX_MESSAGE_BYTES_ENV, DEFAULT_MAX_MESSAGE_BYTES, PUBSUB_MAX_MESSAGE_BYTES);
    boolean deadLetter = bool(env, DEAD_LETTER_ENV);
    String topic = blankToNull(env.get(EVENTS_TOPIC_ENV));
    if (topic != null && !topic.matches("projects/[^/]+/topics/[^/]+")) {
      throw new IllegalStateException(
          EVENTS_TOPIC_ENV
              + " is '"
              + topic
              + "': set it to the events topic's full name, projects/P/topics/T, or unset it to"
              + " only log events");
    }
    // K_SERVICE is set by Cloud Run (and Cloud Run functions) to the service's name.
    String service = blankToNull(env.get("K_SERVICE"));
    String source =
        "//run.googleapis.com/projects/%s/locations/%s/services/%s"
            .formatted(
                job.getProject(),
                job.getLocation(),
                service == null ? "runwire-function" : service);
    Duration slack =
        env.containsKey(EXECUTION_SLACK_ENV) && blankToNull(env.get(EXECUTION_SLACK_ENV)) != null
            ? Duration.ofSeconds(positiveInt(env, EXECUTION_SLACK_ENV, 60, 86_400))
            : ExecutionWindow.DEFAULT_SLACK;
    return new FunctionConfig(
        job,
        maxTasks,
        maxBytes,
        deadLetter,
        topic,
        source,
        CloudEndpoints.fromEnv(env),
        DeploymentPolicy.fromEnv(env),
        slack);
  }

  private static JobName jobName(String value) {
    String name = blankToNull(value);
    if (name == null) {
      throw new IllegalStateException(
          JOB_ENV
              + " is not set: set it to the full name of the job to run,"
              + " projects/PROJECT/locations/REGION/jobs/JOB");
    }
    if (!JobName.isParsableFrom(name) || name.contains("//") || name.endsWith("/")) {
      throw new IllegalStateException(
          JOB_ENV
              + " is '"
              + name
              + "': it must be the job's full name, projects/PROJECT/locations/REGION/jobs/JOB");
    }
    return JobName.parse(name);
  }

  private static int positiveInt(Map<String, String> env, String name, int fallback, int max) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= 1 && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalStateException(
        name
            + " is '"
            + value
            + "': use a whole number from 1 to "
            + max
            + " (default "
            + fallback
            + ")");
  }

  private static boolean bool(Map<String, String> env, String name) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalStateException(
              name + " is '" + value + "': use true or false (default false)");
    };
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
