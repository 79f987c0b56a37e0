package dev.runwire.job;

import dev.runwire.job.events.EventSinks;
import dev.runwire.job.probe.RedisProbe;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import dev.runwire.schemas.validation.RequestValidator;
import dev.runwire.schemas.validation.ValidateCommand;
import dev.runwire.schemas.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The Cloud Run job's entry point. The request comes from {@code RUNWIRE_REQUEST}, or from a file
 * (or {@code -} for stdin) given after a mode on the command line, which then overrides the
 * request's mode:
 *
 * <pre>
 * java -jar runwire-job.jar                                # RUNWIRE_REQUEST, its own mode
 * java -jar runwire-job.jar apply|plan|drift-check|destroy request.json
 * java -jar runwire-job.jar validate request.json          # only validate, touch nothing
 * java -jar runwire-job.jar probe                          # in the probe job: reach Redis
 * </pre>
 *
 * Exit codes: 0 success, 1 a step failed, 2 invalid input or configuration (nothing was touched), 3
 * drift found (on the command line; as a Cloud Run task, with {@code CLOUD_RUN_EXECUTION} set,
 * drift found is 0 and the run event says so, since Cloud Run would retry any other exit).
 */
public final class RunwireJob {

  private static final String USAGE =
      "usage: runwire-job [apply|plan|drift-check|destroy|validate <request.json|->] | probe\n"
          + "       (without arguments the request is read from RUNWIRE_REQUEST)";

  private final Map<String, String> env;
  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Clock clock = Clock.systemUTC();

  public RunwireJob(
      Map<String, String> env,
      InputStream stdin,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    this.env = env;
    this.stdin = stdin;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    int code =
        new RunwireJob(System.getenv(), System.in, System.out, System.err, System.console() != null)
            .run(args);
    System.exit(code);
  }

  /** Runs the job; returns the exit code. Never throws for bad input. */
  public int run(String... args) {
    if (args.length == 1 && args[0].equals("probe")) {
      // Inside the probe job: the service's network path, no request, no API calls.
      return new RedisProbe(env, out).run();
    }
    JobConfig config = JobConfig.fromEnv(env);
    Mode cliMode = null;
    String text;
    if (args.length == 0) {
      text = config.request();
      if (text == null) {
        err.println(
            "no request: set " + JobConfig.REQUEST + " or pass a mode and a file\n" + USAGE);
        return ExitCode.INVALID.code();
      }
    } else if (args.length == 2 && args[0].equals("validate")) {
      return ValidateCommand.run(args[1], stdin, out);
    } else if (args.length == 2) {
      try {
        cliMode = Mode.fromWire(args[0]);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage() + "\n" + USAGE);
        return ExitCode.INVALID.code();
      }
      try {
        text =
            args[1].equals("-")
                ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("cannot read " + args[1] + ": " + e.getMessage());
        return ExitCode.INVALID.code();
      }
    } else {
      err.println(USAGE);
      return ExitCode.INVALID.code();
    }
    if (!config.problems().isEmpty()) {
      config.problems().forEach(p -> err.println("configuration: " + p));
      return ExitCode.INVALID.code();
    }
    err.println(config.policy().describe());
    ValidationResult result = RequestValidator.standard().validate(text);
    if (!result.valid()) {
      reportRejected(config, result);
      return ExitCode.INVALID.code();
    }
    ProvisioningRequest request = result.request();
    if (cliMode != null && cliMode != request.mode()) {
      // The command line's mode must pass the same rules: a destroy file's allowDataLoss must not
      // ride along into an apply, where it would allow replacing Redis.
      request = request.withMode(cliMode);
      ValidationResult rewritten =
          RequestValidator.standard().validate(MessageCodec.toJson(request));
      if (!rewritten.valid()) {
        String prefix = "in mode " + cliMode.wire() + ": ";
        rewritten.problems().forEach(p -> err.println(prefix + p));
        return ExitCode.INVALID.code();
      }
    }
    // The job can be run by hand: the deployment policy is checked again here, before any API
    // call, with the same reasons the function rejects with.
    List<Problem> refusals = config.policy().refusals(request);
    if (!refusals.isEmpty()) {
      err.println(
          "refused by the deployment policy ("
              + refusals.size()
              + " problems); nothing was touched:");
      refusals.forEach(r -> err.println("refused: " + r));
      publishRejected(config, request.requestId(), refusals);
      return ExitCode.INVALID.code();
    }
    EventSinks.Chosen sinks = sinks(config);
    // Cloud Run sets CLOUD_RUN_EXECUTION in every task; its absence means a command line.
    boolean cloudRunTask = env.get("CLOUD_RUN_EXECUTION") != null;
    return new Execution(config, sinks, err, clock, cloudRunTask).run(request);
  }

  private void reportRejected(JobConfig config, ValidationResult result) {
    err.println(
        "invalid request (" + result.problems().size() + " problems); nothing was touched:");
    result.problems().forEach(p -> err.println("  " + p));
    publishRejected(config, result.requestIdIfKnown(), result.problems());
  }

  private void publishRejected(JobConfig config, String requestId, List<Problem> problems) {
    try (EventSink events = sinks(config).all()) {
      events.publish(
          new RejectedEvent(null, requestId, config.executionId(), clock.instant(), problems));
    }
  }

  private EventSinks.Chosen sinks(JobConfig config) {
    return EventSinks.choose(
        config.eventsTopic(), source(config), config.endpoints(), terminal, out);
  }

  private static String source(JobConfig config) {
    String topic = config.eventsTopic();
    String project = topic != null && topic.startsWith("projects/") ? topic.split("/")[1] : "local";
    return "//run.googleapis.com/projects/"
        + project
        + "/jobs/"
        + (config.jobName() == null ? "runwire-job" : config.jobName());
  }
}
