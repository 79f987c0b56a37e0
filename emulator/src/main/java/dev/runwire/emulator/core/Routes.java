package dev.runwire.emulator.core;

import java.util.List;
import java.util.function.Function;

/** Where an {@link ApiSurface} registers its routes; every route it adds belongs to its API. */
public final class Routes {

  private final String api;
  private final List<Route> target;

  Routes(String api, List<Route> target) {
    this.api = api;
    this.target = target;
  }

  public Routes get(String template, Handler handler) {
    return add("GET", template, RequestKind.READ, handler);
  }

  public Routes post(String template, Handler handler) {
    return add("POST", template, RequestKind.MUTATION, handler);
  }

  public Routes patch(String template, Handler handler) {
    return add("PATCH", template, RequestKind.MUTATION, handler);
  }

  public Routes put(String template, Handler handler) {
    return add("PUT", template, RequestKind.MUTATION, handler);
  }

  public Routes delete(String template, Handler handler) {
    return add("DELETE", template, RequestKind.MUTATION, handler);
  }

  /** A GET of an operation: counted as a poll. */
  public Routes poll(String template, Handler handler) {
    return add("GET", template, RequestKind.POLL, handler);
  }

  /** A POST that only reads (testIamPermissions, Compute's operation wait). */
  public Routes postRead(String template, Handler handler) {
    return add("POST", template, RequestKind.READ, handler);
  }

  /** A poll route shared by APIs: {@code apiOf} names the API that owns the request. */
  Routes sharedPoll(String template, Function<ApiRequest, String> apiOf, Handler handler) {
    target.add(new Route("GET", PathTemplate.of(template), apiOf, RequestKind.POLL, handler));
    return this;
  }

  private Routes add(String method, String template, RequestKind kind, Handler handler) {
    target.add(new Route(method, PathTemplate.of(template), r -> api, kind, handler));
    return this;
  }
}
