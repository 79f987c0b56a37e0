package dev.runwire.schemas.validation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The env var names runwire sets on the service: distinct from each other, and not names Cloud Run
 * reserves for itself.
 */
final class ServiceRules implements RequestRule {

  /** Set by Cloud Run; a revision that sets them is rejected. */
  private static final Set<String> RESERVED =
      Set.of("PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION");

  @Override
  public void check(RequestView request, Problems problems) {
    Map<String, String> seen = new LinkedHashMap<>();
    for (String key : new String[] {"host", "port", "auth"}) {
      String pointer = "/service/envNames/" + key;
      String name = request.string(pointer).orElse(null);
      if (name == null) {
        continue;
      }
      if (RESERVED.contains(name)) {
        problems.add(
            pointer,
            name
                + " is set by Cloud Run itself; pick another name, e.g. REDIS_"
                + key.toUpperCase(java.util.Locale.ROOT));
      }
      String other = seen.putIfAbsent(name, key);
      if (other != null) {
        problems.add(
            pointer,
            name + " is already the env var for " + other + "; each env var needs its own name");
      }
    }
  }
}
