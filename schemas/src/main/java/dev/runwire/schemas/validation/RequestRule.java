package dev.runwire.schemas.validation;

/**
 * One group of semantic checks that a JSON Schema cannot express. A rule reads the request through
 * a {@link RequestView}, which only hands out fields the schema accepted, so a rule never sees a
 * wrong type and never repeats a schema problem.
 */
interface RequestRule {

  void check(RequestView request, Problems problems);
}
