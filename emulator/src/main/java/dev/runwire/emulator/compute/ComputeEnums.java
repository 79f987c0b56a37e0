package dev.runwire.emulator.compute;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Compute's enums travel as strings ({@code "natIpAllocateOption":"MANUAL_ONLY"}); the proto keeps
 * each as a string field next to a nested enum of the same name. Clients send names, but a value
 * sent as the enum's number is accepted and turned into its name; an unknown value is refused
 * naming the field and the allowed names.
 */
final class ComputeEnums {

  private ComputeEnums() {}

  /** {@code message} with every enum-valued string field holding a valid name. */
  @SuppressWarnings("unchecked")
  static <M extends Message> M normalize(M message, String path) {
    Message.Builder b = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String fieldPath = path + "." + f.getJsonName();
      if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
        EnumDescriptor type = enumOf(f);
        if (type == null) {
          continue;
        }
        if (f.isRepeated()) {
          List<?> values = (List<?>) e.getValue();
          for (int i = 0; i < values.size(); i++) {
            b.setRepeatedField(f, i, name(type, (String) values.get(i), fieldPath + "[" + i + "]"));
          }
        } else {
          b.setField(f, name(type, (String) e.getValue(), fieldPath));
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
        if (f.isRepeated()) {
          List<?> values = (List<?>) e.getValue();
          for (int i = 0; i < values.size(); i++) {
            b.setRepeatedField(f, i, normalize((Message) values.get(i), fieldPath + "[" + i + "]"));
          }
        } else {
          b.setField(f, normalize((Message) e.getValue(), fieldPath));
        }
      }
    }
    return (M) b.build();
  }

  /** The nested enum that documents a string field's values, e.g. AddressType for addressType. */
  private static EnumDescriptor enumOf(FieldDescriptor field) {
    StringBuilder camel = new StringBuilder();
    for (String part : field.getName().split("_")) {
      if (!part.isEmpty()) {
        camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return field.getContainingType().findEnumTypeByName(camel.toString());
  }

  private static String name(EnumDescriptor type, String value, String fieldPath) {
    String v = value.trim();
    EnumValueDescriptor found = null;
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      try {
        found = type.findValueByNumber(Integer.parseInt(v));
      } catch (NumberFormatException e) {
        found = null;
      }
    } else {
      found = type.findValueByName(v);
    }
    if (found == null || found.getNumber() == 0) {
      throw ComputeErrors.invalid(fieldPath, value, "Must be one of " + allowed(type));
    }
    return found.getName();
  }

  private static String allowed(EnumDescriptor type) {
    return type.getValues().stream()
        .filter(v -> v.getNumber() != 0)
        .map(EnumValueDescriptor::getName)
        .toList()
        .toString();
  }
}
