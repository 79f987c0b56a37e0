package dev.runwire.emulator.core;

import java.util.function.Function;

/** One method + path template, the API it belongs to, its kind and its handler. */
public record Route(
    String method,
    PathTemplate template,
    Function<ApiRequest, String> api,
    RequestKind kind,
    Handler handler) {}
