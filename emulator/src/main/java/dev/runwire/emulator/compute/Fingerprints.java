package dev.runwire.emulator.compute;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** Compute's optimistic-locking fingerprints: 8 bytes of a hash of the resource, base64. */
final class Fingerprints {

  private Fingerprints() {}

  /** The fingerprint of {@code resource}'s content (its own fingerprint field left out). */
  static String of(Message resource) {
    Message.Builder b = resource.toBuilder();
    FieldDescriptor fingerprint = resource.getDescriptorForType().findFieldByName("fingerprint");
    if (fingerprint != null) {
      b.clearField(fingerprint);
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(b.build().toByteArray());
      return Base64.getEncoder().encodeToString(Arrays.copyOf(hash, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
