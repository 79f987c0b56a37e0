package dev.runwire.emulator.core;

import com.google.protobuf.Message;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request as a handler sees it: path variables, query parameters and the JSON body. */
public final class ApiRequest {

  private final String method;
  private final String path;
  private final Map<String, String> vars;
  private final Map<String, List<String>> query;
  private final byte[] body;
  private final ProtoJson json;
  private final String host;

  public ApiRequest(
      String method,
      String path,
      Map<String, String> vars,
      Map<String, List<String>> query,
      byte[] body,
      ProtoJson json) {
    this(method, path, vars, query, body, json, "");
  }

  /**
   * @param host the host the client addressed (an absolute-form request's host, else the Host
   *     header without port; empty when unknown): regional APIs such as Cloud Run Admin v1 take the
   *     region from it ({@code us-central1-run.googleapis.com})
   */
  public ApiRequest(
      String method,
      String path,
      Map<String, String> vars,
      Map<String, List<String>> query,
      byte[] body,
      ProtoJson json,
      String host) {
    this.host = host == null ? "" : host;
    this.method = method;
    this.path = path;
    this.vars = vars;
    this.query = query;
    this.body = body;
    this.json = json;
  }

  public static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The host the client addressed, without port; empty when unknown. */
  public String host() {
    return host;
  }

  /** Every query parameter. */
  public Map<String, List<String>> queryMap() {
    return query;
  }

  /** The raw body. */
  public byte[] rawBody() {
    return body.clone();
  }

  /** A path variable; every variable of the route's template is present. */
  public String var(String name) {
    String v = vars.get(name);
    if (v == null) {
      throw new IllegalArgumentException("route has no variable " + name);
    }
    return v;
  }

  /** The last value of a query parameter, or {@code null}. */
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  /** All values of a repeated query parameter, comma-separated lists split. */
  public List<String> queryList(String name) {
    List<String> out = new ArrayList<>();
    for (String v : query.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  public boolean queryFlag(String name) {
    String v = query(name);
    if (v == null || v.isEmpty()) {
      return false;
    }
    if (v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    throw ApiException.invalidArgument(name, "'" + v + "' is not a boolean; use true or false");
  }

  public int queryInt(String name, int defaultValue) {
    String v = query(name);
    if (v == null || v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument(name, "'" + v + "' is not an integer");
    }
  }

  /** Parses the body into {@code builder}; unknown fields are an error naming {@code what}. */
  public <B extends Message.Builder> B body(B builder, String what) {
    return json.parse(body, builder, what);
  }

  public boolean hasBody() {
    return body.length > 0;
  }
}
