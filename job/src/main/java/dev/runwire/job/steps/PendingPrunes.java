package dev.runwire.job.steps;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.runwire.job.engine.StepKind;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.ProvisioningRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Leftovers pruning could not delete yet, as the service records them in {@link
 * ManagedMarks#PENDING_PRUNE}: a Direct VPC subnet Cloud Run still holds for 1-2 hours after the
 * service left it. Once the service carries the new request in {@code runwire.dev/last-applied},
 * nothing else remembers the subnet, so it would stay (and be billed) forever; with this record a
 * later apply or destroy of the service deletes it once the hold is over. Each entry keeps the
 * request that needed the resource, so it is deleted by that request's own step and rules.
 */
final class PendingPrunes {

  /** {@code name} of {@code kind}, which {@code from} needed; runwire owns it. */
  record Entry(StepKind kind, String name, ProvisioningRequest from) {
    boolean sameResource(Entry other) {
      return kind == other.kind && name.equals(other.name);
    }
  }

  private PendingPrunes() {}

  /** The entries of an annotation value; none when absent or unreadable. */
  static List<Entry> read(String value) {
    List<Entry> entries = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return entries;
    }
    try {
      for (JsonElement e : JsonParser.parseString(value).getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        entries.add(
            new Entry(
                StepKind.fromWire(o.get("kind").getAsString()),
                o.get("name").getAsString(),
                MessageCodec.fromTree(o.get("request"), ProvisioningRequest.class)));
      }
    } catch (RuntimeException unreadable) {
      return new ArrayList<>();
    }
    return entries;
  }

  /** The annotation value for {@code entries}; {@code null} (no annotation) when there are none. */
  static String write(List<Entry> entries) {
    if (entries.isEmpty()) {
      return null;
    }
    JsonArray array = new JsonArray();
    for (Entry entry : entries) {
      JsonObject o = new JsonObject();
      o.addProperty("kind", entry.kind().wire());
      o.addProperty("name", entry.name());
      o.add("request", JsonParser.parseString(ServiceWiring.lastApplied(entry.from())));
      array.add(o);
    }
    return array.toString();
  }
}
