package dev.runwire.job.steps;

import dev.runwire.job.cloud.CloudClients;
import dev.runwire.job.engine.Ownership;
import dev.runwire.job.engine.ResourceStep;
import dev.runwire.schemas.ProvisioningRequest;

/**
 * A step whose resource lives in Compute at the request's location: the location read once, one
 * call-and-wait ({@link ComputeMutations}), and ownership by runwire's mark or the service's
 * record.
 */
abstract class ComputeStep<R, S extends Record> extends ResourceStep<R, S> {

  protected final CloudClients clients;
  protected final ComputeMutations compute;
  protected final Inventory inventory;
  protected final ComputeLocation at;
  protected final ServiceMarks marks;

  /** The resource's own name (for a NAT, its name in the router's list). */
  protected final String name;

  ComputeStep(
      ProvisioningRequest request,
      String name,
      CloudClients clients,
      Inventory inventory,
      ServiceMarks marks) {
    this.clients = clients;
    this.inventory = inventory;
    this.marks = marks;
    this.at = ComputeLocation.of(request);
    this.compute = new ComputeMutations(clients, at);
    this.name = name;
  }

  /** The resource's relative name, e.g. {@code projects/p/regions/r/routers/n}. */
  protected abstract String relativeName();

  @Override
  public final String resource() {
    return Names.full("compute", relativeName());
  }

  @Override
  protected String recordedName() {
    return name;
  }

  /** Marked as runwire's on the resource itself, else recorded by the wired service, else not. */
  protected final Ownership markedOrRecorded(boolean marked) {
    if (marked) {
      return Ownership.MARKED;
    }
    return marks.records(kind(), recordedName()) ? Ownership.RECORDED : Ownership.NONE;
  }
}
