package dev.runwire.emulator.compute;

import java.util.UUID;
import java.util.regex.Pattern;

/** The RFC 1035 names of Compute resources, and the {@code requestId} format. */
final class ComputeNames {

  static final String REGEX = "[a-z]([-a-z0-9]*[a-z0-9])?";

  private static final Pattern NAME = Pattern.compile(REGEX);
  private static final Pattern UUID_FORM =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private ComputeNames() {}

  static boolean isValid(String name) {
    return name != null && name.length() <= 63 && NAME.matcher(name).matches();
  }

  /** Fails naming {@code field} unless {@code name} is 1-63 chars of {@link #REGEX}. */
  static String require(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw ComputeErrors.required(field, "give the resource a name such as 'my-network'");
    }
    if (!isValid(name)) {
      throw ComputeErrors.invalid(
          field,
          name,
          "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)': 1-63 lowercase"
              + " letters, digits and hyphens, starting with a letter and not ending with a hyphen");
    }
    return name;
  }

  /** Compute takes a UUID (not the zero UUID) as requestId. */
  static String requireRequestId(String requestId) {
    if (requestId == null || requestId.isEmpty()) {
      return null;
    }
    if (UUID_FORM.matcher(requestId).matches()) {
      UUID uuid = UUID.fromString(requestId);
      if (uuid.getMostSignificantBits() != 0 || uuid.getLeastSignificantBits() != 0) {
        return uuid.toString();
      }
    }
    throw ComputeErrors.invalid(
        "requestId",
        requestId,
        "Must be a valid UUID other than the zero UUID, e.g. 123e4567-e89b-12d3-a456-426614174000");
  }
}
