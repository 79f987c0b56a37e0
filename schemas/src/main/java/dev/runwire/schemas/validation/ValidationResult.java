package dev.runwire.schemas.validation;

import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.util.List;

/**
 * What {@link RequestValidator} found.
 *
 * @param valid true when there is no problem
 * @param problems every problem at once, in a stable order (empty iff valid)
 * @param request the request, non-null iff valid
 * @param requestIdIfKnown the request's id when it could be read and is well-formed, even from an
 *     invalid request (so a rejection can name it); else {@code null}
 */
public record ValidationResult(
    boolean valid, List<Problem> problems, ProvisioningRequest request, String requestIdIfKnown) {

  public ValidationResult {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  static ValidationResult accepted(ProvisioningRequest request) {
    return new ValidationResult(true, List.of(), request, request.requestId());
  }

  static ValidationResult rejected(List<Problem> problems, String requestId) {
    return new ValidationResult(false, problems, null, requestId);
  }
}
