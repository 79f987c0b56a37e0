package dev.runwire.demo;

import dev.runwire.schemas.ProvisioningRequest.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The demo's command line.
 *
 * @param request the request file; {@code null} means the default example
 * @param mode replaces the file's mode; {@code null} keeps it
 * @param requestId the exact requestId to publish; {@code null} derives a fresh one
 * @param profile the local cloud's latency profile: {@code instant}, {@code scaled:N}, {@code
 *     realistic}
 * @param faults the rate (0..1) of transient errors the local cloud injects
 */
public record DemoOptions(
    Path request,
    Mode mode,
    String requestId,
    String profile,
    double faults,
    boolean keepRunning,
    Duration timeout,
    Boolean ansi,
    boolean help) {

  public static final String DEFAULT_PROFILE = "scaled:60";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private static final Pattern PROFILE = Pattern.compile("instant|realistic|scaled:[0-9]+");

  public static final String USAGE =
      String.join(
          "\n",
          "Usage: ./runwire demo [flags]",
          "",
          "Runs the whole runwire flow on local parts: Google's Pub/Sub emulator, the local cloud,",
          "the function in the Functions Framework invoker and the job as a Cloud Run job. It",
          "publishes a provisioning request, shows each step live, then calls the sample service.",
          "",
          "Flags:",
          "  --request FILE       the request to publish (default:"
              + " schemas/examples/valid/direct-vpc-static-ip.json)",
          "  --mode MODE          apply | plan | drift-check | destroy (default: the file's mode)",
          "  --request-id ID      publish with exactly this requestId (default: the file's id plus"
              + " a fresh suffix)",
          "  --profile PROFILE    local cloud latency: instant | scaled:N | realistic (default: "
              + DEFAULT_PROFILE
              + ")",
          "                       scaled:N runs N times faster than Google's typical durations",
          "  --faults RATE        make RATE (0..1) of API calls fail with a transient error"
              + " (default: 0)",
          "  --timeout DURATION   give up waiting for the run after this long, e.g. 90s, 5m"
              + " (default: 5m)",
          "  --keep-running       leave everything up afterwards and print how to reach it; Ctrl-C"
              + " stops",
          "  --plain / --ansi     append lines / redraw the progress in place (default: by"
              + " terminal)",
          "  -h, --help           this text",
          "",
          "Exit codes: 0 success, 1 the run failed or was rejected, 2 bad flags, 3 drift found.");

  /** Reads the flags; throws {@link UsageException} naming the flag that is wrong. */
  public static DemoOptions parse(String... args) {
    Path request = null;
    Mode mode = null;
    String requestId = null;
    String profile = DEFAULT_PROFILE;
    double faults = 0;
    boolean keepRunning = false;
    Duration timeout = DEFAULT_TIMEOUT;
    Boolean ansi = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      switch (flag) {
        case "-h", "--help", "help" -> help = true;
        case "--keep-running" -> keepRunning = true;
        case "--plain" -> ansi = false;
        case "--ansi" -> ansi = true;
        case "--request" -> {
          String value = inline != null ? inline : value(args, ++i, flag, "a request file");
          request = Path.of(value);
        }
        case "--mode" -> {
          String value =
              inline != null ? inline : value(args, ++i, flag, "apply|plan|drift-check|destroy");
          try {
            mode = Mode.fromWire(value);
          } catch (IllegalArgumentException e) {
            throw new UsageException(
                "--mode: unknown mode '" + value + "': use apply, plan, drift-check or destroy");
          }
        }
        case "--request-id" -> {
          requestId = inline != null ? inline : value(args, ++i, flag, "a requestId");
          if (requestId.isBlank()) {
            throw new UsageException("--request-id: must not be empty");
          }
        }
        case "--profile" -> {
          profile = inline != null ? inline : value(args, ++i, flag, "instant|scaled:N|realistic");
          profile = profile.toLowerCase(Locale.ROOT);
          if (!PROFILE.matcher(profile).matches() || profile.equals("scaled:0")) {
            throw new UsageException(
                "--profile: unknown profile '"
                    + profile
                    + "': use instant, realistic or scaled:N with N a positive whole number"
                    + " (scaled:60 runs 60x faster than Google)");
          }
        }
        case "--faults" -> {
          String value = inline != null ? inline : value(args, ++i, flag, "a rate between 0 and 1");
          try {
            faults = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            faults = -1;
          }
          if (!(faults >= 0 && faults <= 1)) {
            throw new UsageException(
                "--faults: '" + value + "' is not a rate: use a number from 0 to 1, e.g. 0.1");
          }
        }
        case "--timeout" -> {
          String value = inline != null ? inline : value(args, ++i, flag, "a duration like 90s");
          timeout = parseDuration(value);
        }
        default ->
            throw new UsageException(
                arg.startsWith("-")
                    ? "unknown flag " + arg
                    : "unexpected argument '" + arg + "': flags start with --, e.g. --request");
      }
    }
    return new DemoOptions(
        request, mode, requestId, profile, faults, keepRunning, timeout, ansi, help);
  }

  private static String value(String[] args, int i, String flag, String what) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(flag + ": needs a value (" + what + ")");
    }
    return args[i];
  }

  private static Duration parseDuration(String value) {
    try {
      if (value.toUpperCase(Locale.ROOT).startsWith("PT")) {
        return positive(Duration.parse(value), value);
      }
      var m = Pattern.compile("([0-9]+)(ms|s|m)?").matcher(value);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return positive(
            switch (unit) {
              case "ms" -> Duration.ofMillis(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofSeconds(n);
            },
            value);
      }
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      // fall through to the usage error
    }
    throw new UsageException(
        "--timeout: '" + value + "' is not a duration: use e.g. 90s, 5m or PT2M");
  }

  private static Duration positive(Duration d, String value) {
    if (d.isZero() || d.isNegative()) {
      throw new UsageException("--timeout: '" + value + "' must be longer than zero");
    }
    return d;
  }

  /** A bad command line; the message names the flag and the fix. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}
