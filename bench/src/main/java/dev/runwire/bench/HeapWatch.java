package dev.runwire.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Runs another main (the job's) in this JVM and, when the JVM exits, writes what heap it used to a
 * file: {@code java -cp runwire-job.jar:bench HeapWatch REPORT dev.runwire.job.RunwireJob ARGS...}.
 * {@code peakHeapBytes} is the most heap in use (sampled every 2 ms, garbage included); {@code
 * peakLiveBytes} the most heap still in use right after a collection (what the run really holds).
 */
public final class HeapWatch {

  private HeapWatch() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args[0]);
    String mainClass = args[1];
    String[] rest = Arrays.copyOfRange(args, 2, args.length);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
    AtomicLong live = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                return;
              }
              GarbageCollectionNotificationInfo info =
                  GarbageCollectionNotificationInfo.from(
                      (CompositeData) notification.getUserData());
              long after =
                  info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                      .mapToLong(MemoryUsage::getUsed)
                      .sum();
              long before =
                  info.getGcInfo().getMemoryUsageBeforeGc().values().stream()
                      .mapToLong(MemoryUsage::getUsed)
                      .sum();
              live.accumulateAndGet(after, Math::max);
              peak.accumulateAndGet(before, Math::max);
            },
            null,
            null);
      }
    }
    Thread sampler =
        new Thread(
            () -> {
              while (true) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-watch");
    sampler.setDaemon(true);
    sampler.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  long gcs = 0;
                  for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    gcs += Math.max(0, gc.getCollectionCount());
                  }
                  try {
                    Files.writeString(
                        report,
                        "peakHeapBytes="
                            + peak.get()
                            + "\npeakLiveBytes="
                            + live.get()
                            + "\nmaxHeapBytes="
                            + memory.getHeapMemoryUsage().getMax()
                            + "\ngcCount="
                            + gcs
                            + "\n");
                  } catch (IOException e) {
                    System.err.println("heap-watch: cannot write " + report + ": " + e);
                  }
                }));
    try {
      Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) rest);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
