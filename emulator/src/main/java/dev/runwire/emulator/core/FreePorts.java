package dev.runwire.emulator.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports: pick a free one, wait until a process listens on one. */
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
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException e) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }
}
