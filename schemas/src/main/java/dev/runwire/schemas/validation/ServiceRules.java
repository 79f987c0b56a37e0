package dev.runwire.schemas.validation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The env var names runwire sets on the service: distinct from each other (defaults included), and
 * not names Cloud Run reserves for itself.
 */
final class ServiceRules implements RequestRule {

  private static final List<String> KEYS = List.of("host", "port", "auth");

  /** Set by Cloud Run; a revision that sets them is rejected. */
  private static final Set<String> RESERVED =
      Set.of("PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION");

  @Override
  public void check(RequestView request, Problems problems) {
    if (!request.has("/service")) {
      return;
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String key : KEYS) {
      String pointer = pointer(key);
      if (request.isAbsent(pointer)) {
        names.put(key, defaultName(key));
      } else {
        request.string(pointer).ifPresent(name -> names.put(key, name));
      }
    }
    for (int i = 0; i < KEYS.size(); i++) {
      String key = KEYS.get(i);
      String name = names.get(key);
      boolean explicit = !request.isAbsent(pointer(key));
      if (name == null || !explicit) {
        continue;
      }
      if (RESERVED.contains(name)) {
        problems.add(
            pointer(key),
            name + " is set by Cloud Run itself; pick another name, e.g. " + defaultName(key));
      }
      for (int j = 0; j < KEYS.size(); j++) {
        String other = KEYS.get(j);
        boolean otherExplicit = !request.isAbsent(pointer(other));
        // Report a clash once: at the explicit name, or at the later one when both are explicit.
        if (j != i && name.equals(names.get(other)) && (!otherExplicit || j < i)) {
          problems.add(
              pointer(key),
              name
                  + " is already the env var for "
                  + other
                  + (otherExplicit ? "" : " (its default)")
                  + "; each env var needs its own name");
        }
      }
    }
  }

  private static String pointer(String key) {
    return "/service/envNames/" + key;
  }

  private static String defaultName(String key) {
    return "REDIS_" + key.toUpperCase(Locale.ROOT);
  }
}
