package dev.runwire.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.RunwireJob;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.events.RunEvent;
import dev.runwire.schemas.events.StepEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the job's own entry point ({@link RunwireJob#run}) in this JVM: the same engine, planner,
 * clients and polling as the container, configured by the same environment variables. Its events
 * (one Cloud Logging JSON line each on stdout, as without a topic) are read back for the timeline.
 */
final class InProcessJob {

  /** One run: exit code, wall time of {@code run(...)}, and its events. */
  record Result(
      int exitCode,
      Duration wall,
      Instant started,
      Instant finished,
      List<StepEvent> steps,
      RunEvent run,
      String stderr) {

    /** The ended event of each step (not the "started" ones), by step name. */
    Map<String, StepEvent> endedSteps() {
      Map<String, StepEvent> ended = new LinkedHashMap<>();
      for (StepEvent e : steps) {
        if (e.status() != StepEvent.Status.STARTED) {
          ended.put(e.step(), e);
        }
      }
      return ended;
    }

    /** From the first step's start to the last step's end, as the events report them. */
    Duration stepSpan() {
      Instant first = null;
      Instant last = null;
      for (StepEvent e : endedSteps().values()) {
        if (e.startedAt() != null && (first == null || e.startedAt().isBefore(first))) {
          first = e.startedAt();
        }
        if (e.finishedAt() != null && (last == null || e.finishedAt().isAfter(last))) {
          last = e.finishedAt();
        }
      }
      return first == null ? Duration.ZERO : Duration.between(first, last);
    }

    String failureSummary() {
      StringBuilder out = new StringBuilder("exit " + exitCode);
      for (StepEvent e : endedSteps().values()) {
        if (e.status() == StepEvent.Status.FAILED || e.status() == StepEvent.Status.SKIPPED) {
          out.append("; ").append(e.step()).append(' ').append(e.status().wire());
          if (e.error() != null) {
            out.append(": ").append(e.error().code()).append(' ').append(e.error().message());
          } else if (e.message() != null) {
            out.append(": ").append(e.message());
          }
        }
      }
      if (run != null && run.error() != null) {
        out.append("; run: ").append(run.error().message());
      }
      if (!stderr.isBlank()) {
        out.append("; stderr: ").append(stderr.strip());
      }
      return out.toString();
    }
  }

  private final Map<String, String> baseEnv;

  /**
   * @param baseEnv the job's environment: RUNWIRE_LOCAL_CLOUD, RUNWIRE_POLL_INITIAL_DELAY...
   */
  InProcessJob(Map<String, String> baseEnv) {
    this.baseEnv = Map.copyOf(baseEnv);
  }

  /** {@code runwire-job <mode> <request file>} with {@code extraEnv} on top of the base env. */
  Result run(String mode, String requestJson, Map<String, String> extraEnv) {
    Path file;
    try {
      file = Files.createTempFile("runwire-bench-request-", ".json");
      Files.writeString(file, requestJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new LinkedHashMap<>(baseEnv);
    env.putIfAbsent("RUNWIRE_ALLOWED_IMAGE_PREFIXES", "local/"); // the bench deploys local/ images
    env.putAll(extraEnv);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      int code =
          new RunwireJob(env, InputStream.nullInputStream(), o, e, false)
              .run(mode, file.toString());
      long t1 = System.nanoTime();
      Instant finished = Instant.now();
      List<StepEvent> steps = new ArrayList<>();
      RunEvent runEvent = null;
      for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        if (!json.has("type") || !json.has("event")) {
          continue;
        }
        switch (json.get("type").getAsString()) {
          case StepEvent.TYPE ->
              steps.add(MessageCodec.fromTree(json.get("event"), StepEvent.class));
          case RunEvent.TYPE -> runEvent = MessageCodec.fromTree(json.get("event"), RunEvent.class);
          default -> {}
        }
      }
      return new Result(
          code,
          Duration.ofNanos(t1 - t0),
          started,
          finished,
          steps,
          runEvent,
          err.toString(StandardCharsets.UTF_8));
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
