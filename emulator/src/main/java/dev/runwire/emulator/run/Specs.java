package dev.runwire.emulator.run;

import com.google.cloud.run.v2.Condition;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The user-settable part of a resource, copied field by field, and the conditions Run reports. */
final class Specs {

  private Specs() {}

  /** Replaces each named field of {@code to} with the value it has in {@code from}. */
  static void copy(Message from, Message.Builder to, List<String> fields) {
    for (String name : fields) {
      FieldDescriptor f = from.getDescriptorForType().findFieldByName(name);
      to.clearField(f);
      if (f.isRepeated() ? from.getRepeatedFieldCount(f) > 0 : from.hasField(f)) {
        to.setField(f, from.getField(f));
      }
    }
  }

  /** The named fields of {@code resource} alone: what a caller set, to compare two versions. */
  static Message of(Message resource, List<String> fields) {
    Message.Builder spec = resource.newBuilderForType();
    copy(resource, spec, fields);
    return spec.build();
  }

  static Condition condition(String type, Condition.State state, String message, Timestamp at) {
    Condition.Builder c =
        Condition.newBuilder().setType(type).setState(state).setLastTransitionTime(at);
    if (message != null) {
      c.setMessage(message);
    }
    return c.build();
  }

  static String etag(Message message) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(message.toString().getBytes(StandardCharsets.UTF_8));
      return "\"" + HexFormat.of().formatHex(digest, 0, 8) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
