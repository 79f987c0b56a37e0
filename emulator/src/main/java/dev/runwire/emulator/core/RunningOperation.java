package dev.runwire.emulator.core;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

/**
 * A {@code google.longrunning.Operation} a surface started and will finish. Its metadata is read
 * from {@link Metadata} each time the operation changes, so the surface states once what the
 * metadata says (Redis and VPC Access: an {@code OperationMetadata} with create and end times; Run:
 * the resource itself). Callers hold the state lock.
 */
public final class RunningOperation {

  /** The operation's metadata at a moment: {@code endTime} is null until the operation is done. */
  @FunctionalInterface
  public interface Metadata {
    Message at(Timestamp createTime, Timestamp endTime);
  }

  private final LongRunningOperations operations;
  private final CloudCore core;
  private final String name;
  private final Timestamp createTime;
  private final Metadata metadata;

  RunningOperation(
      LongRunningOperations operations,
      CloudCore core,
      String name,
      Timestamp createTime,
      Metadata metadata) {
    this.operations = operations;
    this.core = core;
    this.name = name;
    this.createTime = createTime;
    this.metadata = metadata;
  }

  /** {@code projects/P/locations/L/operations/ID}. */
  public String name() {
    return name;
  }

  public boolean isDone() {
    return operations.isDone(name);
  }

  /** Done with {@code response} ({@code Any}-packed, the resource or {@code Empty}). */
  public void succeed(Message response) {
    operations.succeed(name, metadata.at(createTime, core.now()), response);
  }

  /** Done with {@code error} as its {@code google.rpc.Status}. */
  public void fail(ApiException error) {
    operations.fail(name, metadata.at(createTime, core.now()), error);
  }

  /** Fails the operation ABORTED with {@code message} unless it is already done. */
  public void abortIfRunning(String message) {
    if (!isDone()) {
      fail(ApiException.aborted(message));
    }
  }

  /** Reads the metadata again (the thing it shows changed; the operation is still running). */
  public void refreshMetadata() {
    operations.updateMetadata(name, metadata.at(createTime, null));
  }

  /** The reply that shows the operation as it is once the request's inline steps have run. */
  public Reply reply() {
    return operations.reply(name);
  }
}
