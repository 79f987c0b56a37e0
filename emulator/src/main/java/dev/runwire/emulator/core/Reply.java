package dev.runwire.emulator.core;

import com.google.gson.JsonElement;
import com.google.protobuf.MessageOrBuilder;
import java.util.function.Supplier;

/**
 * What a handler answers. The body is rendered after the handler returns and after any
 * zero-duration transitions it started have run, so that a mutation under the {@code instant}
 * profile answers with an operation that is already done.
 */
public final class Reply {

  private final int status;
  private final Supplier<?> body;

  private Reply(int status, Supplier<?> body) {
    this.status = status;
    this.body = body;
  }

  public static Reply of(MessageOrBuilder message) {
    return new Reply(200, () -> message);
  }

  /** A body read when the reply is rendered, under the state lock. */
  public static Reply later(Supplier<? extends MessageOrBuilder> message) {
    return new Reply(200, message);
  }

  public static Reply json(JsonElement json) {
    return new Reply(200, () -> json);
  }

  public int status() {
    return status;
  }

  /** A {@link MessageOrBuilder} or a {@link JsonElement}. */
  Object body() {
    return body.get();
  }
}
