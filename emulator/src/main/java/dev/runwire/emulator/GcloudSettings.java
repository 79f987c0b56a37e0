package dev.runwire.emulator;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that points {@code gcloud} at a local cloud: one endpoint override per API, and
 * the local cloud as gcloud's HTTP proxy. The proxy is what makes {@code gcloud run} work: Run v1
 * is regional, and gcloud derives its host by prefixing the region to the override's host ({@code
 * run.local} becomes {@code us-central1-run.local}, checked with gcloud 528), a name no resolver
 * knows; through the proxy the request reaches the local cloud in absolute form, with the region in
 * its host. Requests for other loopback servers (the Pub/Sub emulator) are forwarded.
 */
public final class GcloudSettings {

  private GcloudSettings() {}

  /**
   * @param baseUrl the local cloud, {@code http://127.0.0.1:PORT}
   * @param tokenFile a file with any token: gcloud then needs no login
   */
  public static Map<String, String> environment(String baseUrl, Path tokenFile) {
    URI base = URI.create(baseUrl);
    int port = base.getPort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_REDIS", baseUrl + "/");
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", baseUrl + "/compute/v1/");
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_VPCACCESS", baseUrl + "/");
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", baseUrl + "/");
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN", "http://run.local:" + port + "/");
    env.put("CLOUDSDK_PROXY_TYPE", "http");
    env.put("CLOUDSDK_PROXY_ADDRESS", base.getHost());
    env.put("CLOUDSDK_PROXY_PORT", String.valueOf(port));
    // The local cloud has no Service Usage API: gcloud run deploy would ask it whether
    // run.googleapis.com is enabled (command_lib/run/flags.py PromptToEnableApi).
    env.put("CLOUDSDK_CORE_SHOULD_PROMPT_TO_ENABLE_API", "false");
    env.put("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", tokenFile.toAbsolutePath().toString());
    return env;
  }
}
