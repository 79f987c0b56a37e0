package dev.runwire.emulator.redis;

import dev.runwire.emulator.network.Reachability;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The port a Redis instance is reached on: the local cloud accepts each connection, asks {@link
 * Reachability} whether Google's network would carry it, and then relays bytes unchanged to the
 * instance's redis-server (plain or TLS alike: it decides on the connection, not the protocol) or
 * drops it the way a blocked packet is dropped: the connection hangs, then is reset (at once in the
 * {@code instant} profile). Two pooled threads per relayed connection, blocking I/O: a slow reader
 * stops the writer (back-pressure), and an end of stream on one side half-closes the other, so both
 * sides close cleanly.
 */
final class InstanceFront implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(InstanceFront.class.getName());
  private static final int BUFFER = 16 * 1024;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Relay threads are reused: starting two threads per connection cost more than the relay. */
  private static final ExecutorService RELAYS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "redis-front-relay-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final ServerSocket server;
  private final IntSupplier backendPort;
  private final Supplier<Reachability.Target> target;
  private final Reachability reachability;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Listens on 127.0.0.1:{@code preferredPort} when it is free (0 or taken: any free port). */
  InstanceFront(
      int preferredPort,
      IntSupplier backendPort,
      Supplier<Reachability.Target> target,
      Reachability reachability)
      throws IOException {
    this.backendPort = backendPort;
    this.target = target;
    this.reachability = reachability;
    this.server = bind(preferredPort);
    thread("redis-front-accept-" + server.getLocalPort(), this::acceptLoop).start();
  }

  int port() {
    return server.getLocalPort();
  }

  private static ServerSocket bind(int preferred) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    if (preferred > 0) {
      try {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(loopback, preferred), 128);
        return s;
      } catch (IOException e) {
        // taken: any free port, as after a failover
      }
    }
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(loopback, 0), 128);
    return s;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warning("redis front on " + port() + " stopped accepting: " + e.getMessage());
        }
        return;
      }
      open.add(client);
      RELAYS.execute(() -> serve(client));
    }
  }

  /** Decides, then relays client to server on this thread and server to client on another. */
  private void serve(Socket client) {
    Reachability.Verdict verdict =
        reachability.admit(target.get(), client.getPort(), client.getLocalPort());
    if (!verdict.allowed()) {
      drop(client);
      return;
    }
    Socket backend = new Socket();
    try {
      backend.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort.getAsInt()), 5000);
      backend.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
    } catch (IOException e) {
      // the server is gone (stopping or restarting): the client sees a reset
      closeQuietly(backend);
      reset(client);
      return;
    }
    open.add(backend);
    AtomicInteger ended = new AtomicInteger();
    RELAYS.execute(() -> pump(backend, client, ended));
    pump(client, backend, ended);
  }

  /**
   * Copies {@code from} to {@code to} until end of stream, then half-closes {@code to}; the second
   * direction to end closes both sockets.
   */
  private void pump(Socket from, Socket to, AtomicInteger ended) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
      if (ended.incrementAndGet() == 2) {
        closeBoth(from, to);
      }
    } catch (IOException e) {
      closeBoth(from, to);
    }
  }

  private void closeBoth(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
  }

  /** A blocked packet: nothing answers; after the hold the connection is reset. */
  private void drop(Socket client) {
    Duration hold = reachability.blockedHold();
    if (!hold.isZero()) {
      try {
        client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, hold.toMillis()));
        InputStream in = client.getInputStream();
        long deadline = System.nanoTime() + hold.toNanos();
        byte[] sink = new byte[1024];
        // Read and discard (nothing is answered) until the hold ends or the client gives up.
        while (System.nanoTime() < deadline && in.read(sink) >= 0) {
          // dropped
        }
      } catch (IOException e) {
        // timed out or the client closed: reset below
      }
    }
    reset(client);
  }

  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** Stops accepting and closes every relayed connection (instance deleted or cloud stopped). */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    open.forEach(this::closeQuietly);
  }
}
