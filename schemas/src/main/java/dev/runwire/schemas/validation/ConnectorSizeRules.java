package dev.runwire.schemas.validation;

/**
 * The request's connector sizing (not the local cloud's ConnectorChecks): minInstances below
 * maxInstances (each range alone is in the schema).
 */
final class ConnectorSizeRules implements RequestRule {

  @Override
  public void check(RequestView request, Problems problems) {
    if (!request.string("/egress/mode").orElse("").equals("connector")
        || !request.has("/egress/connector")) {
      return;
    }
    // A value the schema rejected is not compared; an absent one takes its default.
    String minPointer = "/egress/connector/minInstances";
    String maxPointer = "/egress/connector/maxInstances";
    Integer min =
        request.isAbsent(minPointer)
            ? Integer.valueOf(2)
            : request.integer(minPointer).orElse(null);
    Integer max =
        request.isAbsent(maxPointer)
            ? Integer.valueOf(3)
            : request.integer(maxPointer).orElse(null);
    if (min != null && max != null && min >= max) {
      String pointer = request.isAbsent(maxPointer) ? minPointer : maxPointer;
      problems.add(
          pointer,
          "maxInstances ("
              + max
              + ") must be greater than minInstances ("
              + min
              + "), e.g. minInstances "
              + Math.min(min, 9)
              + " and maxInstances "
              + Math.min(Math.max(min + 1, 3), 10));
    }
  }
}
