package dev.runwire.emulator;

import dev.runwire.emulator.core.LatencyProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local cloud standalone:
 *
 * <pre>
 * java -jar emulator/target/runwire-emulator.jar --port 8090 --profile instant \
 *     [--seed N] [--faults RATE | --faults API=RATE ...] [--duration KEY=DURATION ...] \
 *     [--image IMAGE=COMMAND ...] [--env NAME=VALUE ...] [--state-file FILE] [--quiet]
 * </pre>
 */
public final class LocalCloudMain {

  private static final String USAGE =
      """
      usage: java -jar runwire-emulator.jar [options]
        --port N               port on 127.0.0.1 (default 8090; 0 picks a free one)
        --profile P            instant (default), realistic or scaled:N
        --seed N               seed for faults and generated ids (default 1)
        --faults RATE          transient error rate for every API, e.g. 0.05
        --faults API=RATE      transient error rate for one API (redis, run, secretmanager, ...)
        --kill-tasks P         share of job task attempts killed mid-run (retried per maxRetries)
        --duration KEY=D       one transition's duration, e.g. redis.create=3s
        --image IMAGE=COMMAND  run containers of IMAGE as COMMAND (split on spaces)
        --env NAME=VALUE       extra env for every local container (e.g. PUBSUB_EMULATOR_HOST)
        --state-file FILE      keep the world in FILE: loaded at start, saved on stop and on
                               POST /admin/save (owner-only: it holds secrets; Redis data is
                               not kept, loaded instances get an empty redis-server)
        --quiet                do not echo container output (it is always written to files)
      """;

  private LocalCloudMain() {}

  public static void main(String[] args) throws InterruptedException {
    long started = System.nanoTime();
    LocalCloud.Builder builder = LocalCloud.builder().port(8090).echoOutput(true);
    List<String> images = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--quiet")) {
          builder.echoOutput(false);
          continue;
        }
        if (flag.equals("--help") || flag.equals("-h")) {
          System.out.print(USAGE);
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--port" -> builder.port(Integer.parseInt(value));
          case "--profile" -> builder.profile(value);
          case "--seed" -> builder.seed(Long.parseLong(value));
          case "--faults" -> {
            String[] kv = pair(flag, value, false);
            String api = kv[1] == null ? "*" : kv[0];
            double rate = Double.parseDouble(kv[1] == null ? kv[0] : kv[1]);
            builder.faults(f -> f.errorRate(api, rate));
          }
          case "--kill-tasks" -> {
            double rate = Double.parseDouble(value);
            builder.faults(f -> f.killTasks(rate));
          }
          case "--duration" -> {
            String[] kv = pair(flag, value, true);
            builder.duration(kv[0], LatencyProfile.parseDuration(kv[1]));
          }
          case "--image" -> {
            String[] kv = pair(flag, value, true);
            builder.imageCommand(kv[0], Arrays.asList(kv[1].trim().split("\\s+")));
            images.add(kv[0] + " -> " + kv[1]);
          }
          case "--state-file" -> builder.stateFile(Path.of(value));
          case "--env" -> {
            String[] kv = pair(flag, value, true);
            builder.childEnv(kv[0], kv[1]);
          }
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("runwire-emulator: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    LocalCloud cloud;
    try {
      cloud = builder.start();
    } catch (RuntimeException e) {
      System.err.println("runwire-emulator: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cloud.close();
                  stopped.countDown();
                },
                "local-cloud-stop"));
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "runwire local cloud listening on "
            + cloud.baseUrl()
            + " (profile "
            + cloud.profile()
            + ", started in "
            + ms
            + " ms)");
    System.out.println("Redis instances are served by: " + cloud.redisServer());
    System.out.println(
        "Mapped images: " + (images.isEmpty() ? "none (jobs and services do not run)" : images));
    System.out.println("Process output: " + cloud.workDir());
    cloud
        .stateFile()
        .ifPresent(
            f ->
                System.out.println(
                    "State file: " + f + " (saved on stop and on POST /admin/save; owner-only)"));
    System.out.println("Point clients at it:");
    cloud.clientEnv().forEach((k, v) -> System.out.println("  export " + k + "=" + v));
    System.out.println("Admin: " + cloud.baseUrl() + "/admin/info (Ctrl-C stops everything)");
    System.out.flush();
    stopped.await();
  }

  private static String[] pair(String flag, String value, boolean required) {
    int eq = value.indexOf('=');
    if (eq < 0) {
      if (required) {
        throw new IllegalArgumentException(flag + " expects NAME=VALUE, got '" + value + "'");
      }
      return new String[] {value, null};
    }
    return new String[] {value.substring(0, eq), value.substring(eq + 1)};
  }
}
