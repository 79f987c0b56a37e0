package dev.runwire.emulator.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.run.v2.VpcAccess;
import dev.runwire.emulator.core.Workloads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Naming the workload behind a connection stays cheap with a fleet's worth of workloads: 50 real
 * processes holding 70 fds each (a job task's JVM holds about that many), each connected to a
 * loopback server. Reading every fd table per question cost 204 ms (p50; p90 364 ms) on 2 cores
 * before (50 x 50 fd tables for a burst of 50); a burst now reads each table at most about twice, a
 * socket already seen costs none, and a process that just started is read first.
 */
class WorkloadIdentityTest {

  private static final int WORKLOADS = 50;

  private final List<Process> processes = new ArrayList<>();
  private final Workloads workloads = new Workloads();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  /** Starts the workloads; each connects to {@code port} and writes its name. */
  private List<Socket> connectWorkloads(ServerSocket server) throws Exception {
    for (int i = 0; i < WORKLOADS; i++) {
      Process p =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "for i in $(seq 70); do exec {fd}</dev/null; done;"
                      + " exec 3<>/dev/tcp/127.0.0.1/"
                      + server.getLocalPort()
                      + "; echo w"
                      + i
                      + " >&3; exec sleep 120")
              .redirectErrorStream(true)
              .start();
      processes.add(p);
      workloads.register(
          p,
          new Workloads.Workload(
              "job task", "w" + i, "p", "r", "", VpcAccess.getDefaultInstance()));
    }
    List<Socket> accepted = new ArrayList<>();
    for (int i = 0; i < WORKLOADS; i++) {
      accepted.add(server.accept());
    }
    return accepted;
  }

  private static String nameSentBy(Socket s) throws Exception {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Test
  void aBurstOfQuestionsSharesAScanAndEachGetsItsOwnWorkload() throws Exception {
    assumeTrue(WorkloadIdentity.supported(), "Linux /proc only");
    WorkloadIdentity identity = new WorkloadIdentity(workloads);
    try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      List<Socket> sockets = connectWorkloads(server);
      List<String> expected = new ArrayList<>();
      for (Socket s : sockets) {
        expected.add(nameSentBy(s));
      }
      int port = server.getLocalPort();

      ExecutorService pool = Executors.newFixedThreadPool(WORKLOADS);
      List<Future<Optional<WorkloadIdentity.Owner>>> asked = new ArrayList<>();
      for (Socket s : sockets) {
        asked.add(pool.submit(() -> identity.ownerOf(s.getPort(), port)));
      }
      for (int i = 0; i < sockets.size(); i++) {
        assertEquals(expected.get(i), asked.get(i).get().orElseThrow().workload().name());
      }
      pool.shutdown();
      assertTrue(
          identity.tablesRead() <= 2 * WORKLOADS,
          "50 concurrent questions read " + identity.tablesRead() + " fd tables");

      long before = identity.tablesRead();
      long[] micros = new long[sockets.size()];
      for (int i = 0; i < sockets.size(); i++) {
        long t = System.nanoTime();
        Optional<WorkloadIdentity.Owner> again = identity.ownerOf(sockets.get(i).getPort(), port);
        micros[i] = (System.nanoTime() - t) / 1000;
        assertEquals(expected.get(i), again.orElseThrow().workload().name());
      }
      assertEquals(before, identity.tablesRead(), "a socket already seen needs no fd table");
      Process newest =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo probe >&3; sleep 120")
              .start();
      processes.add(newest);
      workloads.register(
          newest,
          new Workloads.Workload(
              "job task", "probe", "p", "r", "", VpcAccess.getDefaultInstance()));
      try (Socket probe = server.accept()) {
        assertEquals("probe", nameSentBy(probe));
        long read = identity.tablesRead();
        assertEquals(
            "probe", identity.ownerOf(probe.getPort(), port).orElseThrow().workload().name());
        assertEquals(read + 1, identity.tablesRead(), "the newest process is read first");
      }

      Arrays.sort(micros);
      System.out.println(
          "identity of a known socket, 50 workloads: p50 "
              + micros[WORKLOADS / 2]
              + " us, max "
              + micros[WORKLOADS - 1]
              + " us");
    }
  }

  @Test
  void aProcessThatIsNoWorkloadHasNone() throws Exception {
    assumeTrue(WorkloadIdentity.supported(), "Linux /proc only");
    WorkloadIdentity identity = new WorkloadIdentity(workloads);
    try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      List<Socket> sockets = connectWorkloads(server);
      try (Socket mine = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          Socket accepted = server.accept()) {
        long t = System.nanoTime();
        assertEquals(Optional.empty(), identity.ownerOf(accepted.getPort(), server.getLocalPort()));
        System.out.println(
            "a full scan of 50 workloads' fd tables: " + (System.nanoTime() - t) / 1000 + " us");
        assertEquals(WORKLOADS, identity.tablesRead(), "a stranger is looked for everywhere");
        assertTrue(identity.ownerOf(sockets.get(0).getPort(), server.getLocalPort()).isPresent());
        assertEquals(WORKLOADS, identity.tablesRead(), "that search saw the workloads' sockets");
      }
    }
  }
}
