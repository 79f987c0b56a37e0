package dev.runwire.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the machine was doing while a fleet ran, sampled once a second on Linux: the 1-minute load
 * average ({@code /proc/loadavg}) and the accept queue of the local cloud's listening socket (the
 * {@code rx_queue} of its LISTEN row in {@code /proc/net/tcp{,6}}, what {@code ss -ltn} shows as
 * Recv-Q; compare it with the backlog, 128 in {@code HttpFront}, which {@code /proc} does not
 * show). A queue at the backlog means connections wait for the local cloud to accept them.
 * Elsewhere it reports nothing.
 */
public final class MachineLoad implements AutoCloseable {

  /** What was seen: load at start, peak load and peak accept queue (-1: unknown). */
  record Seen(double startLoad, double peakLoad, int peakAcceptQueue) {

    String describe() {
      return String.format(
          Locale.ROOT,
          "1-minute load %.1f at start, %.1f at peak; local cloud accept queue (ss Recv-Q) peak %d",
          startLoad,
          peakLoad,
          peakAcceptQueue);
    }
  }

  private final int port;
  private final double startLoad;
  private final AtomicLong peakLoadMilli = new AtomicLong();
  private final AtomicInteger peakQueue = new AtomicInteger(-1);
  private final Thread sampler;
  private volatile boolean running = true;

  MachineLoad(int port) {
    this.port = port;
    this.startLoad = load();
    peakLoadMilli.set(Math.round(startLoad * 1000));
    sampler =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "fleet-load");
    sampler.setDaemon(true);
    sampler.start();
  }

  Seen seen() {
    return new Seen(startLoad, peakLoadMilli.get() / 1000.0, peakQueue.get());
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }

  private void sample() {
    peakLoadMilli.accumulateAndGet(Math.round(load() * 1000), Math::max);
    String hexPort = String.format(":%04X", port);
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 4 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
            String rxQueue = f[4].substring(f[4].indexOf(':') + 1);
            peakQueue.accumulateAndGet(Integer.parseInt(rxQueue, 16), Math::max);
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or the table changed under us: skip this sample
      }
    }
  }

  /** The 1-minute load average from {@code /proc/loadavg}; -1 where there is none. */
  public static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
