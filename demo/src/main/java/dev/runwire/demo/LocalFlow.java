package dev.runwire.demo;

import com.google.cloud.run.v2.Service;
import dev.runwire.demo.DemoOptions.UsageException;
import dev.runwire.demo.RequestTracker.Outcome;
import dev.runwire.emulator.GcloudSettings;
import dev.runwire.emulator.pubsub.PubSubEmulatorMissingException;
import dev.runwire.job.progress.ProgressBoard;
import dev.runwire.job.progress.ProgressTable;
import dev.runwire.job.progress.ProgressView;
import dev.runwire.schemas.ProvisioningRequest.Mode;
import dev.runwire.schemas.events.AcceptedEvent;
import dev.runwire.schemas.events.LaunchFailedEvent;
import dev.runwire.schemas.events.RejectedEvent;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./runwire demo}: the whole runwire flow on local parts. Starts the Pub/Sub emulator, the
 * local cloud, the job and the function; deploys the sample service; publishes a provisioning
 * request; shows each step live from the events topic; prints the outputs and calls the service.
 * Stops everything it started before it exits, on Ctrl-C too.
 */
public final class LocalFlow {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int DRIFT = 3;

  private final DemoOptions options;
  private final ProjectLayout layout;
  private final PrintStream out;
  private final ProgressTable table;
  private final boolean ansi;

  /**
   * @param columns the terminal's width: a redraw in place cuts lines to it (0 = no limit)
   */
  LocalFlow(
      DemoOptions options,
      ProjectLayout layout,
      PrintStream out,
      boolean ansi,
      boolean unicode,
      int columns) {
    this.options = options;
    this.layout = layout;
    this.out = out;
    this.ansi = ansi;
    int timeline = columns <= 0 ? 30 : Math.max(10, Math.min(40, columns - 80));
    this.table = new ProgressTable(new ProgressTable.Style(ansi, unicode, timeline, columns));
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> env) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (UsageException e) {
      System.err.println("runwire demo: " + e.getMessage());
      System.err.println();
      System.err.println(DemoOptions.USAGE);
      return USAGE;
    }
    if (options.help()) {
      System.out.println(DemoOptions.USAGE);
      return OK;
    }
    boolean unicode = StandardCharsets.UTF_8.equals(stdoutCharset());
    PrintStream out = new PrintStream(System.out, true, stdoutCharset());
    boolean terminal = System.console() != null && !"dumb".equals(env.getOrDefault("TERM", "dumb"));
    boolean ansi = options.ansi() != null ? options.ansi() : terminal;
    try {
      ProjectLayout layout = ProjectLayout.locate(env);
      int columns = ansi ? terminalColumns(env) : 0;
      return new LocalFlow(options, layout, out, ansi, unicode, columns).run();
    } catch (PubSubEmulatorMissingException e) {
      System.err.println("runwire demo: " + e.getMessage());
      return FAILED;
    } catch (UsageException e) {
      System.err.println("runwire demo: " + e.getMessage());
      return USAGE;
    } catch (IllegalStateException e) {
      System.err.println("runwire demo: " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
  }

  int run() throws InterruptedException {
    Path requestPath = options.request() != null ? options.request() : layout.defaultRequest();
    RequestFile request;
    try {
      request = RequestFile.read(requestPath, options.mode(), options.requestId());
    } catch (IOException e) {
      throw new UsageException("--request: " + e.getMessage());
    }
    Mode mode = modeOf(request);
    out.println(
        table.bold("runwire demo")
            + " - provisioning "
            + (request.service() == null ? "a service" : request.service())
            + " on local parts (latency profile "
            + options.profile()
            + (options.faults() > 0 ? ", " + pct(options.faults()) + " transient faults" : "")
            + ")");
    out.println();
    Path logDir = layout.logDir();
    // one run's logs: the local cloud reuses execution names from run to run (seeded ids)
    deleteTree(logDir);
    logToFile(logDir.resolve("demo.log"));
    LocalEnvironment.Settings settings =
        LocalEnvironment.Settings.of(layout, logDir, options.profile(), options.faults());
    try (LocalEnvironment env = LocalEnvironment.start(settings, line -> {})) {
      for (LocalEnvironment.Part part : env.parts()) {
        printPart(part);
      }
      SampleTarget target = SampleTarget.of(request);
      Service sample =
          env.deployService(
              target.project(), target.region(), target.service(), LocalEnvironment.SAMPLE_IMAGE);
      printPart(env.parts().get(env.parts().size() - 1));
      out.println(
          table.dim(
              "  (the service runs without REDIS_HOST until runwire wires it: "
                  + sample.getUri()
                  + "/redis answers 503)"));
      out.println();
      env.injectFaults();

      if (mode == Mode.DRIFT_CHECK || mode == Mode.DESTROY) {
        int setup = applyFirst(env, requestPath, mode);
        if (setup != OK) {
          return setup;
        }
      }

      int code = publishAndFollow(env, request, layout.display(requestPath), true);
      if (code == OK && mode == Mode.APPLY) {
        code = callService(env, target);
      }
      if (options.keepRunning()) {
        keepRunning(env, target);
      }
      out.println();
      out.println(
          table.dim("stopping everything it started (logs: " + layout.display(logDir) + "/)"));
      return code;
    }
  }

  /** drift-check and destroy need something to look at: apply the same request first. */
  private int applyFirst(LocalEnvironment env, Path requestPath, Mode mode)
      throws InterruptedException {
    RequestFile apply;
    try {
      apply = RequestFile.read(requestPath, Mode.APPLY, null);
    } catch (IOException e) {
      throw new UsageException("--request: " + e.getMessage());
    }
    out.println(
        mode.wire()
            + " needs something to look at: applying the request first ("
            + apply.requestId()
            + ")");
    int code = publishAndFollow(env, apply, layout.display(requestPath), false);
    out.println();
    return code;
  }

  /** Publishes one request and follows it to its end; returns the exit code it deserves. */
  private int publishAndFollow(
      LocalEnvironment env, RequestFile request, String from, boolean showSteps)
      throws InterruptedException {
    RequestTracker tracker = env.track(request.requestId());
    Instant publishedAt = Instant.now();
    String messageId = env.publish(request.json());
    tracker.messageId(messageId);
    if (showSteps) {
      out.println(
          "published "
              + table.bold(request.requestId())
              + " ("
              + request.mode()
              + ") from "
              + from
              + " as message "
              + messageId);
      out.println(
          table.dim("  Pub/Sub -> Eventarc bridge -> function -> Cloud Run job -> step events"));
      out.println();
    }
    Mode mode = modeOf(request);
    ProgressBoard board = new ProgressBoard(request.requestId(), publishedAt, mode.isReadOnly());
    board.expect(PlannedSteps.of(request.json()));
    Outcome outcome;
    try (ProgressView view =
        new ProgressView(showSteps ? out : nullStream(), table, board, ansi, Clock.systemUTC())) {
      tracker.onEvent(
          event -> {
            if (event instanceof StepEvent step) {
              view.onStep(step);
            } else if (event instanceof AcceptedEvent accepted) {
              view.onNote(
                  accepted.acceptedAt() == null ? Instant.now() : accepted.acceptedAt(),
                  accepted.duplicate()
                      ? "function: already running as "
                          + shortName(accepted.execution())
                          + ", not started again"
                      : "function: valid; started execution " + shortName(accepted.execution()));
            } else if (event instanceof LaunchFailedEvent failed && failed.retryable()) {
              view.onNote(
                  failed.failedAt() == null ? Instant.now() : failed.failedAt(),
                  "function: could not start the job ("
                      + failed.code()
                      + "), answered 500: Pub/Sub redelivers with backoff");
            }
          });
      view.start();
      try {
        outcome = tracker.await(options.timeout());
      } catch (TimeoutException e) {
        view.close();
        out.println();
        out.println(
            table.red("no result after " + ProgressTable.seconds(options.timeout()))
                + ": the job may still be running. Logs: "
                + layout.display(env.logDir())
                + "/ (function.log, the local cloud's job logs). Raise --timeout or use"
                + " --profile instant.");
        return FAILED;
      }
    }
    return report(outcome, tracker, board, showSteps);
  }

  private int report(Outcome outcome, RequestTracker tracker, ProgressBoard board, boolean full) {
    if (outcome instanceof Outcome.Rejected rejected) {
      RejectedEvent event = rejected.rejected();
      out.println(
          table.red("rejected") + ": the function refused the request; the job did not run.");
      event.problems().forEach(p -> out.println("  " + p));
      return FAILED;
    }
    if (outcome instanceof Outcome.LaunchFailed failed) {
      var event = failed.failed();
      out.println(
          table.red("launch failed")
              + " ("
              + event.code()
              + "): "
              + event.reason()
              + (event.fix() == null ? "" : "\n  fix: " + event.fix()));
      return FAILED;
    }
    RunEvent run = ((Outcome.Finished) outcome).run();
    String execution =
        tracker.events(AcceptedEvent.class).stream()
            .findFirst()
            .map(a -> " (execution " + shortName(a.execution()) + ")")
            .orElse("");
    boolean readOnly = run.mode() != null && modeOf(run.mode()).isReadOnly();
    String summary = summary(run, readOnly) + execution;
    switch (run.status()) {
      case SUCCEEDED -> out.println(table.green(headline(run.mode())) + " " + summary);
      case DRIFTED -> out.println(table.magenta("drift found") + " " + summary);
      case FAILED -> out.println(table.red("failed") + " " + summary);
    }
    List<ProgressBoard.Row> problems =
        board.rows().stream()
            .filter(
                r ->
                    r.state() == ProgressBoard.State.FAILED
                        || r.state() == ProgressBoard.State.DRIFTED)
            .filter(r -> !r.detail().isEmpty())
            .toList();
    if (ansi && full) {
      // the live table cut long lines to the terminal's width: say in full what went wrong
      problems.forEach(r -> out.println("  " + r.step() + ": " + r.detail()));
    }
    if (problems.isEmpty() && run.error() != null) {
      out.println("  " + run.error().code() + ": " + run.error().message());
    }
    if (full && run.status() == RunEvent.Outcome.SUCCEEDED && !run.outputs().isEmpty()) {
      printOutputs(run.outputs(), verifyMessage(tracker));
    }
    return switch (run.status()) {
      case SUCCEEDED -> OK;
      case DRIFTED -> DRIFT;
      case FAILED -> FAILED;
    };
  }

  private static String verifyMessage(RequestTracker tracker) {
    return tracker.events(StepEvent.class).stream()
        .filter(e -> e.step().equals("verify") && e.status() == StepEvent.Status.SUCCEEDED)
        .map(StepEvent::message)
        .filter(m -> m != null && !m.isEmpty())
        .findFirst()
        .orElse(null);
  }

  private static String shortName(String resource) {
    return resource == null ? "?" : resource.substring(resource.lastIndexOf('/') + 1);
  }

  private static String headline(String mode) {
    return switch (mode == null ? "apply" : mode) {
      case "plan" -> "planned";
      case "drift-check" -> "no drift";
      case "destroy" -> "destroyed";
      default -> "succeeded";
    };
  }

  private static String summary(RunEvent run, boolean readOnly) {
    StringBuilder s =
        new StringBuilder("in " + ProgressTable.seconds(Duration.ofMillis(run.durationMs())));
    RunEvent.Counts c = run.counts();
    if (c != null) {
      s.append(": ").append(c.steps()).append(" steps");
      append(s, c.created(), readOnly ? "to create" : "created");
      append(s, c.updated(), readOnly ? "to update" : "updated");
      append(s, c.deleted(), readOnly ? "to delete" : "deleted");
      append(s, c.unchanged(), "unchanged");
      append(s, c.drifted(), "drifted");
      append(s, c.failed(), "failed");
      append(s, c.skipped(), "skipped");
    }
    return s.toString();
  }

  private static void append(StringBuilder s, int n, String word) {
    if (n > 0) {
      s.append(", ").append(n).append(' ').append(word);
    }
  }

  /** The run's outputs, the ones a user asks for first, then any others. */
  private void printOutputs(Map<String, String> outputs, String verify) {
    Map<String, String> rest = new TreeMap<>(outputs);
    Map<String, String> lines = new LinkedHashMap<>();
    String host = rest.remove("redisHost");
    String port = rest.remove("redisPort");
    String secret = rest.remove("redisAuthSecret");
    if (host != null) {
      lines.put(
          "Redis",
          host
              + (port == null ? "" : ":" + port)
              + (secret == null ? "" : ", AUTH string in " + secret));
    }
    put(lines, "static egress IP", rest.remove("egressIp"));
    put(lines, "egress subnet", rest.remove("egressSubnet"));
    put(lines, "VPC connector", rest.remove("vpcConnector"));
    put(lines, "service URL", rest.remove("serviceUrl"));
    put(lines, "verify", verify);
    lines.putAll(rest);
    int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0);
    out.println();
    out.println(table.bold("outputs"));
    lines.forEach((k, v) -> out.println("  " + pad(k, width) + "  " + v));
  }

  private static void put(Map<String, String> lines, String label, String value) {
    if (value != null) {
      lines.put(label, value);
    }
  }

  /** The proof that the wiring works for an app: the sample service counts visits in Redis. */
  private int callService(LocalEnvironment env, SampleTarget target) throws InterruptedException {
    Service service = env.service(target.project(), target.region(), target.service());
    URI url = URI.create(service.getUri() + "/redis");
    out.println();
    out.println(table.bold("calling the service") + " as a user would: GET " + url);
    ServiceProbe probe = new ServiceProbe(Duration.ofSeconds(20));
    for (int i = 0; i < 2; i++) {
      try {
        ServiceProbe.Answer answer = probe.get(url);
        if (!answer.ok()) {
          out.println("  " + table.red("HTTP " + answer.status()) + " " + answer.body());
          return FAILED;
        }
        out.println("  " + table.green(answer.body()));
      } catch (IOException e) {
        out.println("  " + table.red("no answer") + ": " + e.getMessage());
        return FAILED;
      }
    }
    return OK;
  }

  private void keepRunning(LocalEnvironment env, SampleTarget target) throws InterruptedException {
    String cloud = env.cloud().baseUrl();
    String pubsub = env.pubsubEmulator().hostPort();
    Path envFile = env.logDir().resolve("local-env.sh");
    Path tokenFile = env.logDir().resolve("gcloud-token");
    try {
      java.nio.file.Files.writeString(tokenFile, "local-cloud-needs-no-token\n");
      StringBuilder lines =
          new StringBuilder("# runwire demo --keep-running: point clients and gcloud at the local")
              .append(" parts\n")
              .append("export RUNWIRE_LOCAL_CLOUD=")
              .append(cloud)
              .append('\n')
              .append("export PUBSUB_EMULATOR_HOST=")
              .append(pubsub)
              .append('\n')
              .append("export CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB=http://")
              .append(pubsub)
              .append("/\n");
      GcloudSettings.environment(cloud, tokenFile)
          .forEach((k, v) -> lines.append("export ").append(k).append('=').append(v).append('\n'));
      java.nio.file.Files.writeString(envFile, lines.toString());
    } catch (IOException e) {
      out.println(table.red("could not write " + envFile + ": " + e.getMessage()));
    }
    out.println();
    out.println(
        table.bold("everything keeps running")
            + "; Ctrl-C stops it all. In another shell (gcloud needs no login for it):");
    out.println("  source " + layout.display(envFile) + table.dim("   # exports the lines below"));
    out.println(
        table.dim("  export RUNWIRE_LOCAL_CLOUD=" + cloud + " PUBSUB_EMULATOR_HOST=" + pubsub));
    out.println(
        table.dim(
            "  export CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS="
                + cloud
                + "/ (and COMPUTE="
                + cloud
                + "/compute/v1/, VPCACCESS, SECRETMANAGER, PUBSUB=http://"
                + pubsub
                + "/, RUN=http://run.local:PORT/ with the local cloud as gcloud's proxy)"));
    out.println(
        "  gcloud redis instances list --region "
            + target.region()
            + " --project "
            + target.project());
    out.println(
        "  gcloud pubsub topics publish runwire-requests --project "
            + LocalEnvironment.PROJECT
            + " --message \"$(cat "
            + layout.display(layout.defaultRequest())
            + ")\"");
    out.println(
        "  gcloud run services describe "
            + target.service()
            + " --region "
            + target.region()
            + " --project "
            + target.project());
    out.println(
        "  gcloud run jobs execute "
            + LocalEnvironment.JOB_ID
            + " --region "
            + LocalEnvironment.REGION
            + " --project "
            + LocalEnvironment.PROJECT
            + " --wait --update-env-vars=^##^RUNWIRE_REQUEST=\"$(cat "
            + layout.display(layout.defaultRequest())
            + ")\"");
    out.println(
        "  curl -s "
            + cloud
            + "/admin/state"
            + table.dim("   # every resource; also /admin/requests, /admin/counters"));
    out.println(
        "  curl -s "
            + env.service(target.project(), target.region(), target.service()).getUri()
            + "/redis");
    out.println();
    out.println(table.dim("events of further requests appear here:"));
    env.onEvent(event -> out.println("  " + EventLine.of(event)));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> out.println(table.dim("\nstopping everything it started"))));
    new CountDownLatch(1).await(); // until Ctrl-C; the shutdown hooks stop everything
  }

  private void printPart(LocalEnvironment.Part part) {
    out.println(
        "  "
            + pad(part.name(), 17)
            + " "
            + pad(part.where(), 54)
            + " "
            + table.dim("up in " + ProgressTable.seconds(part.took())));
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String pct(double rate) {
    return Math.round(rate * 100) + "%";
  }

  /** The terminal's width: {@code COLUMNS}, else what {@code stty size} says, else 120. */
  static int terminalColumns(Map<String, String> env) {
    try {
      int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").trim());
      if (columns > 0) {
        return columns;
      }
    } catch (NumberFormatException e) {
      // ask the tty
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(new java.io.File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (stty.waitFor() == 0 && size.matches("\\d+ \\d+")) {
        return Integer.parseInt(size.split(" ")[1]);
      }
    } catch (IOException e) {
      // no tty
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 120;
  }

  private static void deleteTree(Path root) {
    if (!java.nio.file.Files.isDirectory(root)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // old logs stay: harmless
    }
  }

  /**
   * Sends java.util.logging (the local cloud's, gRPC's, gax's) to a file: the terminal belongs to
   * the progress view.
   */
  private static void logToFile(Path file) {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      java.util.logging.FileHandler handler =
          new java.util.logging.FileHandler(file.toString(), false);
      handler.setFormatter(new java.util.logging.SimpleFormatter());
      root.addHandler(handler);
    } catch (IOException e) {
      // no log file: stay quiet rather than write over the view
    }
  }

  /**
   * The request's mode; an unknown one is the function's to reject, so the flow treats it as apply.
   */
  private static Mode modeOf(RequestFile request) {
    return modeOf(request.mode());
  }

  private static Mode modeOf(String mode) {
    try {
      return Mode.fromWire(mode);
    } catch (IllegalArgumentException e) {
      return Mode.APPLY;
    }
  }

  private static PrintStream nullStream() {
    return new PrintStream(java.io.OutputStream.nullOutputStream());
  }

  private static Charset stdoutCharset() {
    String name = System.getProperty("sun.stdout.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  /** Where the request's service lives; the demo deploys the sample image there first. */
  record SampleTarget(String project, String region, String service) {
    static SampleTarget of(RequestFile request) {
      return new SampleTarget(
          request.project() == null ? LocalEnvironment.PROJECT : request.project(),
          request.region() == null ? LocalEnvironment.REGION : request.region(),
          request.service() == null ? "visitor-counter" : request.service());
    }
  }
}
