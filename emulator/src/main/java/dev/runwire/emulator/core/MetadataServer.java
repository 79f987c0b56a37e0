package dev.runwire.emulator.core;

import java.util.Optional;

/**
 * The metadata server a Cloud Run container reaches at {@code metadata.google.internal} (the local
 * cloud's workloads at {@code GCE_METADATA_HOST}, the override Google's client libraries read):
 * project id and number, the region and the service account the workload runs as, as plain text
 * (Cloud Run container contract, "Metadata server"). A request without {@code Metadata-Flavor:
 * Google} is refused with 403 as the real server refuses it; a caller that is not a workload of the
 * local cloud gets 404 (outside Google Cloud there is no metadata server).
 */
public final class MetadataServer {

  /** The path prefix the metadata server answers under. */
  public static final String PREFIX = "/computeMetadata/v1/";

  /** The environment variable that points Google's libraries at a metadata server. */
  public static final String HOST_ENV = "GCE_METADATA_HOST";

  /** An answer: HTTP status and a plain-text body. */
  public record Answer(int status, String body) {}

  private MetadataServer() {}

  /**
   * The answer to {@code GET path} from {@code caller} ({@code flavor}: the request's {@code
   * Metadata-Flavor} header, null when absent).
   */
  public static Answer answer(String path, String flavor, Optional<Workloads.Workload> caller) {
    if (!"Google".equals(flavor)) {
      return new Answer(
          403,
          "Your client does not have permission to get URL "
              + path
              + " from this server. Missing Metadata-Flavor:Google header.");
    }
    if (caller.isEmpty()) {
      return new Answer(
          404,
          "No metadata for this process: the local cloud's metadata server answers only the"
              + " service revisions and job tasks it runs");
    }
    Workloads.Workload w = caller.get();
    String relative = path.substring(PREFIX.length());
    return switch (relative) {
      case "project/project-id" -> new Answer(200, w.project());
      case "project/numeric-project-id" ->
          new Answer(200, Long.toString(Projects.number(w.project())));
      case "instance/region" ->
          new Answer(200, "projects/" + Projects.number(w.project()) + "/regions/" + w.region());
      case "instance/service-accounts/default/email" ->
          new Answer(
              200,
              w.serviceAccount().isEmpty()
                  ? Projects.defaultComputeServiceAccount(w.project())
                  : w.serviceAccount());
      default -> new Answer(404, "The local cloud's metadata server has no " + path);
    };
  }
}
