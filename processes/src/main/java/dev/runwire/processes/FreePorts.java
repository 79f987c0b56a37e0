package dev.runwire.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Loopback ports: pick a free one, ask whether something listens on one, wait until a process does.
 */
public final class FreePorts {

  private FreePorts() {}

  public static int pick() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * {@code preferred} when it is free (a restarted cloud keeps a resource's port), else any free
   * port; 0 means any.
   */
  public static int pick(int preferred) {
    if (preferred > 0) {
      try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        return preferred;
      } catch (IOException e) {
        // taken: any other port will do
      }
    }
    return pick();
  }

  /** True once something accepts on 127.0.0.1:{@code port}, false after {@code timeout}. */
  public static boolean awaitListening(int port, Duration timeout, Process owner) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (owner != null && !owner.isAlive()) {
        return false;
      }
      if (accepts(port)) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** True when something accepts a connection on 127.0.0.1:{@code port} now. */
  public static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
