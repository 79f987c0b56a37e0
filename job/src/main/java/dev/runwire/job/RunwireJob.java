package dev.runwire.job;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.drift.DriftSweep;
import dev.runwire.job.drift.ListedInventory;
import dev.runwire.job.engine.ApiErrors;
import dev.runwire.job.engine.RetryPolicy;
import dev.runwire.job.engine.RunResult;
import dev.runwire.job.engine.WaitPolicy;
import dev.runwire.job.events.EventSinks;
import dev.runwire.job.steps.Inventory;
import dev.runwire.job.steps.LiveInventory;
import dev.runwire.job.steps.StepFactory;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.cloud.EventSink;
import dev.runwire.schemas.events.EventError;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent.Status;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The Cloud Run job's entry point. The request comes from {@code RUNWIRE_REQUEST}, or from a file
 * (or {@code -} for stdin) given after a mode on the command line, which then overrides the
 * request's mode:
 *
 * <pre>
 * java -jar runwire-job.jar                                # RUNWIRE_REQUEST, its own mode
 * java -jar runwire-job.jar apply|plan|drift-check|destroy request.json
 * java -jar runwire-job.jar validate request.json          # only validate, touch nothing
 * </pre>
 *
 * Exit codes: 0 success, 1 a step failed, 2 invalid input or configuration (nothing was touched), 3
 * drift found.
 */
public final class RunwireJob {

  public static final int OK = 0;
  public static final int STEP_FAILED = 1;
  public static final int INVALID = 2;
  public static final int DRIFT = 3;

  private static final String USAGE =
      "usage: runwire-job [apply|plan|drift-check|destroy|validate <request.json|->]\n"
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
    Warmup.start();
    int code =
        new RunwireJob(System.getenv(), System.in, System.out, System.err, System.console() != null)
            .run(args);
    System.exit(code);
  }

  /** Runs the job; returns the exit code. Never throws for bad input. */
  public int run(String... args) {
    JobConfig config = JobConfig.fromEnv(env);
    Mode cliMode = null;
    String text;
    if (args.length == 0) {
      text = config.request();
      if (text == null) {
        err.println(
            "no request: set " + JobConfig.REQUEST + " or pass a mode and a file\n" + USAGE);
        return INVALID;
      }
    } else if (args.length == 2 && args[0].equals("validate")) {
      return ValidateCommand.run(args[1], stdin, out);
    } else if (args.length == 2) {
      try {
        cliMode = Mode.fromWire(args[0]);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage() + "\n" + USAGE);
        return INVALID;
      }
      try {
        text =
            args[1].equals("-")
                ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("cannot read " + args[1] + ": " + e.getMessage());
        return INVALID;
      }
    } else {
      err.println(USAGE);
      return INVALID;
    }
    if (!config.problems().isEmpty()) {
      config.problems().forEach(p -> err.println("configuration: " + p));
      return INVALID;
    }
    ValidationResult result = RequestValidator.standard().validate(text);
    if (!result.valid()) {
      reportRejected(config, result);
      return INVALID;
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
        return INVALID;
      }
    }
    List<String> refusals = refusals(config, request);
    if (!refusals.isEmpty()) {
      refusals.forEach(r -> err.println("refused: " + r));
      return INVALID;
    }
    return execute(config, request);
  }

  private static List<String> refusals(JobConfig config, ProvisioningRequest request) {
    if (request.isScoped()) {
      return config.refusals(request.scope().project(), request.scope().regions());
    }
    return config.refusals(request.target().project(), List.of(request.target().region()));
  }

  private void reportRejected(JobConfig config, ValidationResult result) {
    err.println(
        "invalid request (" + result.problems().size() + " problems); nothing was touched:");
    result.problems().forEach(p -> err.println("  " + p));
    try (EventSink events = sinks(config).all()) {
      events.publish(
          new RejectedEvent(
              null,
              result.requestIdIfKnown(),
              config.executionId(),
              clock.instant(),
              result.problems()));
    }
  }

  private EventSinks.Chosen sinks(JobConfig config) {
    return EventSinks.choose(
        config.eventsTopic(), source(config), config.endpoints(), terminal, out);
  }

  private int execute(JobConfig config, ProvisioningRequest request) {
    Instant started = clock.instant();
    RetryPolicy retry = RetryPolicy.startingAt(config.retryInitialDelay());
    WaitPolicy waits = WaitPolicy.of(config.pollInitialDelay(), config.stepTimeout());
    EventSinks.Chosen sinks = sinks(config);
    ExecutorService pool = Executors.newFixedThreadPool(config.parallelism(), daemonThreads());
    List<RunResult> results = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    int targets = 1;
    EventError crash = null;
    try (CloudClients clients = new CloudClients(config.endpoints(), waits)) {
      Reconciler reconciler =
          new Reconciler(config, pool, sinks.all(), sinks.liveView(), retry, waits, clock);
      if (request.isScoped()) {
        ListedInventory inventory = new ListedInventory(clients, retry);
        List<DriftSweep.Target> mine =
            DriftSweep.shard(
                DriftSweep.discover(request.scope(), request.requestId(), inventory),
                config.taskIndex(),
                config.taskCount());
        targets = mine.size();
        StepFactory factory = new StepFactory(clients, inventory);
        for (DriftSweep.Target target : mine) {
          if (target.request() == null) {
            unchecked.add(target.region() + "/" + target.service() + ": " + target.problem());
            err.println(
                "cannot check "
                    + target.region()
                    + "/"
                    + target.service()
                    + ": "
                    + target.problem());
            continue;
          }
          results.add(reconciler.reconcile(target.request(), request.requestId(), factory));
        }
      } else {
        Inventory inventory = new LiveInventory(clients, retry);
        results.add(
            reconciler.reconcile(
                request, request.requestId(), new StepFactory(clients, inventory)));
      }
    } catch (RuntimeException e) {
      // Not a step's failure (those are outcomes): e.g. the sweep's list call was refused.
      crash = ApiErrors.toEventError(e);
      err.println("runwire-job failed: " + crash.code() + ": " + crash.message());
    } finally {
      pool.shutdownNow();
    }
    int code = exitCode(results, crash != null || !unchecked.isEmpty());
    EventError error = crash != null ? crash : firstError(results, unchecked);
    sinks.all().publish(runEvent(config, request, started, results, targets, code, error));
    sinks.all().close();
    return code;
  }

  static int exitCode(List<RunResult> results, boolean otherFailure) {
    if (otherFailure || results.stream().anyMatch(RunResult::anyFailed)) {
      return STEP_FAILED;
    }
    return results.stream().anyMatch(RunResult::anyDrifted) ? DRIFT : OK;
  }

  private static EventError firstError(List<RunResult> results, List<String> unchecked) {
    for (RunResult result : results) {
      for (var entry : result.outcomes().entrySet()) {
        if (entry.getValue().status() == Status.FAILED) {
          EventError e = entry.getValue().error();
          return new EventError(e.code(), entry.getKey().wire() + ": " + e.message());
        }
      }
    }
    return unchecked.isEmpty()
        ? null
        : new EventError("UncheckableTarget", String.join("; ", unchecked));
  }

  private RunEvent runEvent(
      JobConfig config,
      ProvisioningRequest request,
      Instant started,
      List<RunResult> results,
      int targets,
      int code,
      EventError error) {
    Instant finished = clock.instant();
    RunEvent.Outcome status =
        switch (code) {
          case OK -> RunEvent.Outcome.SUCCEEDED;
          case DRIFT -> RunEvent.Outcome.DRIFTED;
          default -> RunEvent.Outcome.FAILED;
        };
    Map<String, String> outputs = results.size() == 1 ? results.get(0).outputs() : Map.of();
    return new RunEvent(
        null,
        request.requestId(),
        config.executionId(),
        request.mode().wire(),
        status,
        started,
        finished,
        Duration.between(started, finished).toMillis(),
        RunCounts.of(results),
        outputs,
        config.taskIndex(),
        config.taskCount(),
        targets,
        code,
        error);
  }

  private static String source(JobConfig config) {
    String topic = config.eventsTopic();
    String project = topic != null && topic.startsWith("projects/") ? topic.split("/")[1] : "local";
    return "//run.googleapis.com/projects/"
        + project
        + "/jobs/"
        + (config.jobName() == null ? "runwire-job" : config.jobName());
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "runwire-step");
      t.setDaemon(true);
      return t;
    };
  }
}
