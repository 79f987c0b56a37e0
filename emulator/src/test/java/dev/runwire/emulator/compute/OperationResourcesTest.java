package dev.runwire.emulator.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.InternalException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.ListGlobalOperationsRequest;
import com.google.cloud.compute.v1.ListRegionOperationsRequest;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.Operation;
import dev.runwire.emulator.CloudFixture;
import dev.runwire.emulator.ErrorBodies;
import dev.runwire.emulator.LocalCloud;
import dev.runwire.emulator.OfficialClients;
import dev.runwire.emulator.core.RecordedRequest;
import dev.runwire.emulator.core.RequestKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compute operations that take time: polled to DONE, failing, waited on; rate limiting. */
class OperationResourcesTest {

  private static final String P = "ops-project";
  private static final String REGION = "us-central1";

  @RegisterExtension
  static final CloudFixture local =
      new CloudFixture(
          b ->
              b.profile("instant")
                  .duration("compute.network", Duration.ofMillis(300))
                  .duration("compute.address", Duration.ofMillis(300))
                  .duration("compute.firewall", Duration.ofMinutes(5))
                  .seed(7));

  private static LocalCloud cloud;
  private static ComputeClients compute;

  @BeforeAll
  static void start() {
    cloud = local.cloud();
    compute = local.open(ComputeClients::new);
  }

  @Test
  void insertIsPendingThenPolledUntilDone() throws Exception {
    OperationFuture<Operation, Operation> future =
        compute.networks.insertAsync(P, ComputeContractTest.custom("slow"));
    Operation first = (Operation) future.getInitialFuture().get().getMetadata();
    assertEquals(Operation.Status.PENDING, first.getStatus());
    assertThrows(NotFoundException.class, () -> compute.networks.get(P, "slow"));

    Operation done = future.get();
    assertEquals(Operation.Status.DONE, done.getStatus());
    assertEquals(100, done.getProgress());
    assertTrue(!done.getStartTime().isEmpty() && !done.getEndTime().isEmpty());
    assertEquals("slow", compute.networks.get(P, "slow").getName());

    List<RecordedRequest> polls =
        cloud.requestLog().stream().filter(r -> r.kind() == RequestKind.POLL).toList();
    assertTrue(polls.size() >= 2, "the client polled: " + polls);
    assertTrue(
        polls.stream()
            .allMatch(
                r ->
                    r.path().startsWith("/compute/v1/projects/ops-project/global/operations/")
                        && r.api().equals("compute")),
        polls.toString());
  }

  @Test
  void regionalOperationsArePolledAndWaitedOnByName() throws Exception {
    OperationFuture<Operation, Operation> future =
        compute.addresses.insertAsync(P, REGION, Address.newBuilder().setName("ip").build());
    Operation first = (Operation) future.getInitialFuture().get().getMetadata();
    assertTrue(first.getRegion().endsWith("/projects/ops-project/regions/us-central1"));

    Operation viaGet = compute.regionOperations.get(P, REGION, first.getName());
    assertEquals(first.getId(), viaGet.getId());
    assertThrows(NotFoundException.class, () -> compute.globalOperations.get(P, first.getName()));

    var mine =
        compute
            .regionOperations
            .list(
                ListRegionOperationsRequest.newBuilder()
                    .setProject(P)
                    .setRegion(REGION)
                    .setFilter("targetLink eq .*/addresses/ip")
                    .build())
            .getPage()
            .getResponse();
    assertEquals(
        List.of(first.getName()), mine.getItemsList().stream().map(Operation::getName).toList());

    future.get();
    Operation waited = compute.regionOperations.wait(P, REGION, first.getName());
    assertEquals(Operation.Status.DONE, waited.getStatus());
    assertTrue(
        cloud.requestLog().stream()
            .anyMatch(
                r ->
                    r.path()
                        .startsWith(
                            "/compute/v1/projects/ops-project/regions/us-central1/operations/")));
  }

  @Test
  void waitAnswersOnceTheOperationIsDone() throws Exception {
    Operation started =
        (Operation)
            compute
                .networks
                .insertAsync(P, ComputeContractTest.custom("waited"))
                .getInitialFuture()
                .get()
                .getMetadata();
    assertEquals(Operation.Status.PENDING, started.getStatus());

    Operation waited = compute.globalOperations.wait(P, started.getName());

    assertEquals(Operation.Status.DONE, waited.getStatus());
    assertEquals("waited", compute.networks.get(P, "waited").getName());
  }

  @Test
  void aWaitingRequestHoldsNoLockAndEndsWhenItsOperationGoes() throws Exception {
    Firewall rule =
        Firewall.newBuilder()
            .setName("five-minutes")
            .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("22"))
            .build();
    Operation started =
        (Operation) compute.firewalls.insertAsync(P, rule).getInitialFuture().get().getMetadata();
    CompletableFuture<Operation> waiting =
        CompletableFuture.supplyAsync(() -> compute.globalOperations.wait(P, started.getName()));
    Thread.sleep(200);
    assertFalse(waiting.isDone(), "wait blocks while the operation runs");

    long t0 = System.nanoTime();
    assertEquals("default", compute.networks.get(P, "default").getName());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 5, "other requests are served");

    cloud.reset();
    ExecutionException gone =
        assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertInstanceOf(NotFoundException.class, gone.getCause());
  }

  @Test
  void runningOperationsAreFoundByListFilter() throws Exception {
    compute.networks.insertAsync(P, ComputeContractTest.custom("quick")).get();
    Firewall rule =
        Firewall.newBuilder()
            .setName("slow-rule")
            .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("6379"))
            .build();
    Operation started =
        (Operation) compute.firewalls.insertAsync(P, rule).getInitialFuture().get().getMetadata();

    List<String> running =
        compute
            .globalOperations
            .list(
                ListGlobalOperationsRequest.newBuilder()
                    .setProject(P)
                    .setFilter("(status != DONE) (operationType = insert)")
                    .build())
            .getPage()
            .getResponse()
            .getItemsList()
            .stream()
            .map(Operation::getName)
            .toList();
    assertEquals(List.of(started.getName()), running);
  }

  @Test
  void failingOperationIsRaisedByTheJavaClient() throws Exception {
    cloud.faults().failOperation("projects/ops-project/global/networks/doomed", "backend on fire");

    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> compute.networks.insertAsync(P, ComputeContractTest.custom("doomed")).get());
    assertInstanceOf(InternalException.class, e.getCause());
    assertThrows(NotFoundException.class, () -> compute.networks.get(P, "doomed"));

    String name =
        cloud
            .state()
            .getAsJsonObject("compute")
            .getAsJsonArray("operations")
            .get(0)
            .getAsJsonObject()
            .get("name")
            .getAsString();
    Operation failed = compute.globalOperations.get(P, name);
    assertEquals(Operation.Status.DONE, failed.getStatus());
    assertEquals(500, failed.getHttpErrorStatusCode());
    assertEquals("backend on fire", failed.getError().getErrors(0).getMessage());
    assertEquals(failed, compute.globalOperations.wait(P, name));
  }

  @Test
  void rateLimitIs403RateLimitExceededAndACarefulClientRetriesIt() throws Exception {
    compute.networks.get(P, "default");
    cloud.faults().errorRate("compute", 1.0);
    PermissionDeniedException limited = null;
    for (int i = 0; i < 20 && limited == null; i++) {
      try {
        compute.networks.get(P, "default");
      } catch (PermissionDeniedException e) {
        limited = e;
      } catch (com.google.api.gax.rpc.UnavailableException e) {
        // the other transient fault; try again
      }
    }
    assertTrue(limited != null, "no 403 in 20 faulted requests");
    assertTrue(ErrorBodies.of(limited).contains("\"reason\":\"rateLimitExceeded\""));

    cloud.faults().clear().errorRate("compute", 0.5);
    cloud.resetLog();
    try (NetworksClient careful = OfficialClients.networksRetryingReads(cloud)) {
      for (int i = 0; i < 10; i++) {
        assertEquals("default", careful.get(P, "default").getName());
      }
    }
    long faulted = cloud.requestLog().stream().filter(r -> r.status() == 403).count();
    assertTrue(faulted > 0, "some requests were rate limited and retried");
  }
}
