package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The record of API requests (admin requests are not recorded) and the counters per API. */
public final class RequestLog {

  private static final int MAX_ENTRIES = 100_000;

  private final Deque<RecordedRequest> entries = new ArrayDeque<>();
  private final Map<String, long[]> counters = new TreeMap<>();

  public synchronized void record(RecordedRequest request) {
    if (entries.size() == MAX_ENTRIES) {
      entries.removeFirst();
    }
    entries.addLast(request);
    long[] c = counters.computeIfAbsent(request.api(), api -> new long[4]);
    c[request.kind().ordinal()]++;
    if (request.status() >= 400) {
      c[3]++;
    }
  }

  public synchronized List<RecordedRequest> entries() {
    return List.copyOf(entries);
  }

  public synchronized Map<String, ApiCounters> counters() {
    Map<String, ApiCounters> out = new TreeMap<>();
    counters.forEach((api, c) -> out.put(api, new ApiCounters(c[0], c[1], c[2], c[3])));
    return out;
  }

  public synchronized void clear() {
    entries.clear();
    counters.clear();
  }

  public JsonArray entriesJson() {
    JsonArray out = new JsonArray();
    for (RecordedRequest r : entries()) {
      JsonObject o = new JsonObject();
      o.addProperty("at", r.at().toString());
      o.addProperty("method", r.method());
      o.addProperty("path", r.path());
      if (!r.query().isEmpty()) {
        o.addProperty("query", r.query());
      }
      o.addProperty("status", r.status());
      o.addProperty("durationMicros", r.duration().toNanos() / 1000);
      o.addProperty("api", r.api());
      o.addProperty("kind", r.kind().name());
      out.add(o);
    }
    return out;
  }

  public JsonObject countersJson() {
    JsonObject out = new JsonObject();
    List<Map.Entry<String, ApiCounters>> all = new ArrayList<>(counters().entrySet());
    for (Map.Entry<String, ApiCounters> e : all) {
      JsonObject o = new JsonObject();
      o.addProperty("reads", e.getValue().reads());
      o.addProperty("mutations", e.getValue().mutations());
      o.addProperty("polls", e.getValue().polls());
      o.addProperty("errors", e.getValue().errors());
      out.add(e.getKey(), o);
    }
    return out;
  }
}
