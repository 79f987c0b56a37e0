package dev.runwire.schemas.validation;

import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.util.ArrayList;
import java.util.List;

/** Where the semantic rules put what they find. */
final class Problems {

  private final List<Problem> found = new ArrayList<>();

  void add(String pointer, String message) {
    found.add(new Problem(pointer, message));
  }

  List<Problem> list() {
    return List.copyOf(found);
  }
}
