package dev.runwire.emulator.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Timed transitions: a step that runs once a duration has passed, e.g. "the create operation is
 * done". Every surface uses it, whatever its operation shape. A step runs without the state lock
 * held (it may start a process) and takes the lock itself to commit.
 *
 * <p>A zero-duration step started while a request is being handled runs in that request's thread
 * after the handler returns and before the reply is rendered, so the first response already shows
 * the result (the {@code instant} profile). Steps are dropped when the cloud is reset.
 */
public final class Transitions implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Transitions.class.getName());

  private final ScheduledExecutorService scheduler;
  private final ThreadLocal<Deque<Runnable>> inline = new ThreadLocal<>();
  private final AtomicLong epoch = new AtomicLong();

  public Transitions() {
    AtomicInteger n = new AtomicInteger();
    scheduler =
        Executors.newScheduledThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "local-cloud-transition-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code step} once {@code delay} has passed (see the class comment for zero). */
  public void after(Duration delay, Runnable step) {
    long started = epoch.get();
    Runnable guarded =
        () -> {
          if (epoch.get() != started) {
            return;
          }
          try {
            step.run();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a timed transition failed", e);
          }
        };
    if (delay.isZero() || delay.isNegative()) {
      Deque<Runnable> pending = inline.get();
      if (pending != null) {
        pending.addLast(guarded);
      } else {
        scheduler.execute(guarded);
      }
      return;
    }
    scheduler.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  void beginRequest() {
    inline.set(new ArrayDeque<>());
  }

  /** Runs the zero-duration steps the request started, and the ones those start, in order. */
  void runInline() {
    Deque<Runnable> pending = inline.get();
    if (pending == null) {
      return;
    }
    try {
      Runnable next;
      while ((next = pending.pollFirst()) != null) {
        next.run();
      }
    } finally {
      inline.remove();
    }
  }

  void abandonRequest() {
    inline.remove();
  }

  /** Drops every pending step. */
  public void reset() {
    epoch.incrementAndGet();
  }

  @Override
  public void close() {
    reset();
    scheduler.shutdownNow();
  }
}
