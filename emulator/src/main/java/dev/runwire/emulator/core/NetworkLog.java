package dev.runwire.emulator.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * The local cloud's record of network decisions: each connection to a Redis instance, which
 * workload made it, and whether Google's network would have carried it, with the reason or the
 * firewall rule. Served at {@code GET /admin/network} beside the request log; cleared with it.
 */
public final class NetworkLog {

  /** One decision. {@code workload} is "not a workload" for processes the cloud did not start. */
  public record Decision(
      Instant at, String workload, String instance, boolean allowed, String reason) {

    public String describe() {
      return (allowed ? "allowed " : "blocked ") + workload + " -> " + instance + ": " + reason;
    }
  }

  private static final Logger LOG = Logger.getLogger(NetworkLog.class.getName());
  private static final int MAX_ENTRIES = 10_000;

  private final Deque<Decision> entries = new ArrayDeque<>();

  public void record(Decision d) {
    synchronized (this) {
      if (entries.size() == MAX_ENTRIES) {
        entries.removeFirst();
      }
      entries.addLast(d);
    }
    if (!d.allowed()) {
      LOG.info(d.describe());
    }
  }

  public synchronized List<Decision> entries() {
    return List.copyOf(entries);
  }

  public synchronized void clear() {
    entries.clear();
  }

  public JsonArray entriesJson() {
    JsonArray out = new JsonArray();
    for (Decision d : entries()) {
      JsonObject o = new JsonObject();
      o.addProperty("at", d.at().toString());
      o.addProperty("workload", d.workload());
      o.addProperty("instance", d.instance());
      o.addProperty("decision", d.allowed() ? "allowed" : "blocked");
      o.addProperty("reason", d.reason());
      out.add(o);
    }
    return out;
  }
}
