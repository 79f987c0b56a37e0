package dev.runwire.emulator;

import com.google.api.client.http.HttpResponseException;

/**
 * What the Java REST transport keeps of an error body. gax maps the HTTP status alone to the
 * exception class (so 409 is always {@code AbortedException}, even for ALREADY_EXISTS) and puts the
 * reason phrase in the message; the JSON body with Google's status and our message is the content
 * of the {@link HttpResponseException} in the cause chain.
 */
public final class ErrorBodies {

  private ErrorBodies() {}

  public static String of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpResponseException h) {
        return h.getContent();
      }
    }
    throw new AssertionError("no HTTP error body in " + t, t);
  }
}
