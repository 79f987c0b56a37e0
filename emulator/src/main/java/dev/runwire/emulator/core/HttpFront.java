package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.protobuf.MessageOrBuilder;
import com.google.rpc.Code;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.runwire.emulator.network.WorkloadIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side: the JDK's HTTP server on loopback, routing on method + path template (a POST with
 * {@code X-HTTP-Method-Override} counts as that method), faults, the state lock around handlers,
 * the request log, and Google-style error bodies. {@code /admin/...} goes to the admin handler,
 * unlogged and never faulted.
 */
public final class HttpFront implements HttpHandler, AutoCloseable {

  /** Serves {@code /admin/...}: returns the JSON answer or throws an {@link ApiException}. */
  @FunctionalInterface
  public interface AdminHandler {
    JsonElement handle(String method, String path, Map<String, List<String>> query, byte[] body);
  }

  private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());
  private static final String JSON = "application/json; charset=UTF-8";

  static {
    // Without TCP_NODELAY a keep-alive client waits for delayed ACKs between header and body.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final CloudCore core;
  private final Map<String, List<Route>> routesByMethod = new LinkedHashMap<>();
  private final Map<String, ApiSurface> surfaces = new LinkedHashMap<>();
  private final AdminHandler admin;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient forwarder =
      HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

  public HttpFront(CloudCore core, List<ApiSurface> apis, AdminHandler admin, int port)
      throws IOException {
    this.core = core;
    this.admin = admin;
    List<Route> routes = new ArrayList<>();
    core.operations().registerRoutes(new Routes("operations", routes));
    for (ApiSurface surface : apis) {
      surfaces.put(surface.api(), surface);
      surface.registerRoutes(new Routes(surface.api(), routes));
    }
    for (Route r : routes) {
      routesByMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
    }
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "local-cloud-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    server.createContext("/", this);
    server.setExecutor(executor);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    try (exchange) {
      String method = exchange.getRequestMethod();
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if ("POST".equals(method) && override != null && !override.isBlank()) {
        method = override.trim().toUpperCase();
      }
      if (forwardsElsewhere(exchange.getRequestURI())) {
        forward(exchange, method);
        return;
      }
      String rawPath = exchange.getRequestURI().getRawPath();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      byte[] body = readAll(exchange.getRequestBody());
      Map<String, List<String>> query = ApiRequest.parseQuery(rawQuery);
      if (rawPath.startsWith("/admin/")) {
        serveAdmin(exchange, method, rawPath, query, body);
        return;
      }
      if (rawPath.startsWith(MetadataServer.PREFIX)) {
        serveMetadata(exchange, rawPath);
        return;
      }
      serveApi(
          exchange,
          method,
          rawPath,
          rawQuery == null ? "" : rawQuery,
          query,
          body,
          started,
          addressedHost(exchange));
    }
  }

  private void serveApi(
      HttpExchange exchange,
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> query,
      byte[] body,
      long started,
      String host)
      throws IOException {
    String api = "unknown";
    RequestKind kind = "GET".equals(method) ? RequestKind.READ : RequestKind.MUTATION;
    int status;
    byte[] out;
    try {
      PartialResponse selection =
          PartialResponse.of(query, exchange.getRequestHeaders().getFirst(PartialResponse.HEADER));
      PathTemplate.Split split = PathTemplate.Split.of(rawPath, true);
      Route route = null;
      Map<String, String> vars = null;
      for (Route r : routesByMethod.getOrDefault(method, List.of())) {
        vars = r.template().match(split);
        if (vars != null) {
          route = r;
          break;
        }
      }
      if (route == null) {
        throw ApiException.notFoundMessage(
            "The local cloud serves no " + method + " " + rawPath + "; check the method and path");
      }
      ApiRequest request = new ApiRequest(method, rawPath, vars, query, body, core.json(), host);
      api = route.api().apply(request);
      kind = route.kind();
      injectFaults(api);
      out = selection.apply(render(route, request));
      status = 200;
    } catch (ApiException e) {
      status = e.httpStatus();
      out = e.toJson().toString().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, method + " " + rawPath + " failed", e);
      ApiException internal = ApiException.internal("Internal error in the local cloud: " + e);
      status = 500;
      out = internal.toJson().toString().getBytes(StandardCharsets.UTF_8);
    }
    // Recorded before the answer leaves, so a client that saw the answer sees the record.
    core.log()
        .record(
            new RecordedRequest(
                Instant.now(),
                method,
                rawPath,
                rawQuery,
                status,
                Duration.ofNanos(System.nanoTime() - started),
                api,
                kind));
    send(exchange, status, out);
  }

  /**
   * An absolute-form request for another local server (gcloud sends every request to its proxy,
   * also those for the Pub/Sub emulator on another loopback port). Only loopback targets are
   * forwarded: the local cloud is no open proxy.
   */
  private boolean forwardsElsewhere(URI uri) {
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getPort() == port()) {
      return false;
    }
    String host = uri.getHost();
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
  }

  private void forward(HttpExchange exchange, String method) throws IOException {
    byte[] body = readAll(exchange.getRequestBody());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(exchange.getRequestURI())
            .timeout(Duration.ofMinutes(2))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      request.header("Content-Type", type);
    }
    try {
      HttpResponse<byte[]> response =
          forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (IOException e) {
      ApiException unreachable =
          new ApiException(
              502,
              Code.UNAVAILABLE,
              "backendError",
              "The local cloud forwarded this request to "
                  + exchange.getRequestURI().getAuthority()
                  + " and got no answer: "
                  + e);
      send(exchange, 502, unreachable.toJson().toString().getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, new byte[0]);
    }
  }

  /**
   * The host the client addressed. A client that treats the local cloud as its HTTP proxy (gcloud
   * with {@code CLOUDSDK_PROXY_*}) sends absolute-form request targets (RFC 9112 section 3.2.2,
   * {@code GET http://us-central1-run.local:PORT/apis/...}); the JDK server parses them into an
   * absolute URI whose path routes as usual and whose host names the region.
   */
  private static String addressedHost(HttpExchange exchange) {
    String host = exchange.getRequestURI().getHost();
    if (host == null) {
      host = exchange.getRequestHeaders().getFirst("Host");
    }
    if (host == null) {
      return "";
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
  }

  private void injectFaults(String api) {
    Duration delay = core.faults().delay(api);
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    OptionalInt fault = core.faults().transientStatus(api);
    if (fault.isPresent()) {
      ApiSurface surface = surfaces.get(api);
      throw surface != null
          ? surface.transientError(fault.getAsInt())
          : fault.getAsInt() == 429 ? ApiException.rateLimited(api) : ApiException.unavailable(api);
    }
  }

  /** Handler under the lock; then the inline transitions without it; then the reply. */
  private byte[] render(Route route, ApiRequest request) {
    Reply reply;
    core.transitions().beginRequest();
    try {
      reply = core.locked(() -> route.handler().handle(request));
      core.transitions().runInline();
    } finally {
      core.transitions().abandonRequest();
    }
    return core.locked(
        () -> {
          Object body = reply.body();
          String text =
              body instanceof MessageOrBuilder m
                  ? core.json().print(m)
                  : ((JsonElement) body).toString();
          return text.getBytes(StandardCharsets.UTF_8);
        });
  }

  private void serveAdmin(
      HttpExchange exchange,
      String method,
      String path,
      Map<String, List<String>> query,
      byte[] body)
      throws IOException {
    try {
      JsonElement out = admin.handle(method, path, query, body);
      send(exchange, 200, out.toString().getBytes(StandardCharsets.UTF_8));
    } catch (ApiException e) {
      send(exchange, e.httpStatus(), e.toJson().toString().getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      ApiException bad = ApiException.badRequest(String.valueOf(e.getMessage()));
      send(exchange, 400, bad.toJson().toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A workload's metadata request, answered for the workload whose process opened the connection.
   */
  private void serveMetadata(HttpExchange exchange, String path) throws IOException {
    Optional<Workloads.Workload> caller = Optional.empty();
    Workloads workloads = core.workloads();
    if (!workloads.isEmpty()) {
      try {
        OptionalLong pid =
            WorkloadIdentity.pidOf(
                exchange.getRemoteAddress().getPort(), port(), workloads.processes());
        if (pid.isPresent()) {
          caller = workloads.owning(pid.getAsLong());
        }
      } catch (IOException e) {
        LOG.warning("could not read the socket table: " + e.getMessage());
      }
    }
    MetadataServer.Answer answer =
        MetadataServer.answer(
            path, exchange.getRequestHeaders().getFirst("Metadata-Flavor"), caller);
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/text");
    exchange.getResponseHeaders().set("Metadata-Flavor", "Google");
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", JSON);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
