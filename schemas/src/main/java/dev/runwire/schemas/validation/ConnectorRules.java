package dev.runwire.schemas.validation;

/** Serverless VPC Access: minInstances below maxInstances (each range alone is in the schema). */
final class ConnectorRules implements RequestRule {

  @Override
  public void check(RequestView request, Problems problems) {
    if (!request.string("/egress/mode").orElse("").equals("connector")
        || !request.has("/egress/connector")) {
      return;
    }
    int min = request.integer("/egress/connector/minInstances").orElse(2);
    int max = request.integer("/egress/connector/maxInstances").orElse(3);
    boolean minKnown =
        request.integer("/egress/connector/minInstances").isPresent()
            || !request.has("/egress/connector/minInstances");
    boolean maxKnown =
        request.integer("/egress/connector/maxInstances").isPresent()
            || !request.has("/egress/connector/maxInstances");
    if (minKnown && maxKnown && min >= max) {
      String pointer =
          request.has("/egress/connector/maxInstances")
              ? "/egress/connector/maxInstances"
              : "/egress/connector/minInstances";
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
