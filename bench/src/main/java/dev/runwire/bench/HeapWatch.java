package dev.runwire.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs another main (the job's) in this JVM and, when the JVM exits, writes the peak heap it used
 * to a file: {@code java -cp runwire-job.jar:bench HeapWatch REPORT dev.runwire.job.RunwireJob
 * ARGS...}. The heap is sampled every 2 ms; the report also has GC count and time.
 */
public final class HeapWatch {

  private HeapWatch() {}

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args[0]);
    String mainClass = args[1];
    String[] rest = Arrays.copyOfRange(args, 2, args.length);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
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
                  long gcMillis = 0;
                  for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    gcs += Math.max(0, gc.getCollectionCount());
                    gcMillis += Math.max(0, gc.getCollectionTime());
                  }
                  try {
                    Files.writeString(
                        report,
                        "peakHeapBytes="
                            + peak.get()
                            + "\nmaxHeapBytes="
                            + memory.getHeapMemoryUsage().getMax()
                            + "\ngcCount="
                            + gcs
                            + "\ngcMillis="
                            + gcMillis
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
