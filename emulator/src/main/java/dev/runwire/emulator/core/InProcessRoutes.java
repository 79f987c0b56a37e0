package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.MessageOrBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second registration of an API's routes, called in-process rather than over HTTP: a surface that
 * is a projection of another (Cloud Run Admin v1 over v2) calls the v2 handlers with v2 requests
 * and reads their v2 answers, so both wire surfaces share one store and one set of rules. Calls run
 * under the state lock the calling handler already holds (it is reentrant); transitions they start
 * belong to the calling request.
 */
public final class InProcessRoutes {

  private final List<Route> routes = new ArrayList<>();
  private final ProtoJson json;

  public InProcessRoutes(ProtoJson json) {
    this.json = json;
  }

  /** Where the projected API registers its routes. */
  public Routes routes(String api) {
    return new Routes(api, routes);
  }

  /**
   * Calls the route that serves {@code method path}; the answer as JSON (enums as names). An {@link
   * ApiException} of the handler propagates unchanged, so the caller answers the same error.
   */
  public JsonObject call(
      String method, String path, Map<String, List<String>> query, JsonObject body) {
    PathTemplate.Split split = PathTemplate.Split.of(path, true);
    for (Route r : routes) {
      if (!r.method().equals(method)) {
        continue;
      }
      Map<String, String> vars = r.template().match(split);
      if (vars != null) {
        byte[] bytes =
            body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        Reply reply = r.handler().handle(new ApiRequest(method, path, vars, query, bytes, json));
        Object out = reply.body();
        JsonElement tree =
            out instanceof MessageOrBuilder m
                ? JsonParser.parseString(json.print(m))
                : (JsonElement) out;
        return tree.getAsJsonObject();
      }
    }
    throw ApiException.notFoundMessage("The local cloud serves no " + method + " " + path);
  }
}
