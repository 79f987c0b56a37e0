package dev.runwire.bench;

import dev.runwire.emulator.core.ApiCounters;
import java.util.Map;
import java.util.stream.Collectors;

/** API requests the local cloud answered, split as its counters split them, over every API. */
record Calls(long reads, long mutations, long polls, long errors, Map<String, ApiCounters> perApi) {

  static Calls of(Map<String, ApiCounters> counters) {
    long r = 0, m = 0, p = 0, e = 0;
    for (ApiCounters c : counters.values()) {
      r += c.reads();
      m += c.mutations();
      p += c.polls();
      e += c.errors();
    }
    return new Calls(r, m, p, e, Map.copyOf(counters));
  }

  /** The same split over requests from the local cloud's log. */
  static Calls of(java.util.Collection<dev.runwire.emulator.core.RecordedRequest> log) {
    Map<String, long[]> per = new java.util.TreeMap<>();
    for (var r : log) {
      long[] c = per.computeIfAbsent(r.api(), k -> new long[4]);
      switch (r.kind()) {
        case MUTATION -> c[1]++;
        case POLL -> c[2]++;
        default -> c[0]++;
      }
      if (r.status() >= 300) {
        c[3]++;
      }
    }
    Map<String, ApiCounters> counters = new java.util.TreeMap<>();
    per.forEach((api, c) -> counters.put(api, new ApiCounters(c[0], c[1], c[2], c[3])));
    return of(counters);
  }

  long total() {
    return reads + mutations + polls;
  }

  /** {@code reads / mutations / polls}, the form the table shows. */
  String split() {
    return reads + " / " + mutations + " / " + polls;
  }

  /** Per API, e.g. {@code compute 7/0/0, redis 1/0/0}; errors (non-2xx, e.g. 404s) noted. */
  String perApiText() {
    return perApi.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e ->
                e.getKey()
                    + " "
                    + e.getValue().reads()
                    + "/"
                    + e.getValue().mutations()
                    + "/"
                    + e.getValue().polls()
                    + (e.getValue().errors() > 0 ? " (" + e.getValue().errors() + " non-2xx)" : ""))
        .collect(Collectors.joining(", "));
  }
}
