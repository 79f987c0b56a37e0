package dev.runwire.job.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.iam.v1.Binding;
import com.google.iam.v1.Policy;
import com.google.type.Expr;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublicInvokerTest {

  private static final Binding TEAM =
      Binding.newBuilder()
          .setRole("roles/run.invoker")
          .addMembers("group:team@example.com")
          .build();
  private static final Binding VIEWER =
      Binding.newBuilder().setRole("roles/run.viewer").addMembers("allUsers").build();

  @Test
  void makingAServicePublicAddsAllUsersAndKeepsEveryOtherMember() {
    Policy policy =
        Policy.newBuilder()
            .addBindings(TEAM)
            .addBindings(VIEWER)
            .setEtag(com.google.protobuf.ByteString.copyFromUtf8("e1"))
            .build();

    Policy open = PublicInvoker.withPublic(policy, true);

    assertTrue(PublicInvoker.isPublic(open));
    assertEquals(
        List.of("group:team@example.com", "allUsers"), open.getBindings(0).getMembersList());
    assertEquals(VIEWER, open.getBindings(1));
    assertEquals(
        "e1", open.getEtag().toStringUtf8(), "the etag guards against a concurrent change");
  }

  @Test
  void closingAServiceRemovesOnlyAllUsers() {
    Policy open = PublicInvoker.withPublic(Policy.newBuilder().addBindings(TEAM).build(), true);

    Policy closed = PublicInvoker.withPublic(open, false);

    assertFalse(PublicInvoker.isPublic(closed));
    assertEquals(List.of(TEAM), closed.getBindingsList());
  }

  @Test
  void aConditionalBindingDoesNotMakeTheServicePublic() {
    Binding conditional =
        Binding.newBuilder()
            .setRole("roles/run.invoker")
            .addMembers("allUsers")
            .setCondition(
                Expr.newBuilder().setExpression("request.time < timestamp('2020-01-01T00:00:00Z')"))
            .build();

    assertFalse(PublicInvoker.isPublic(Policy.newBuilder().addBindings(conditional).build()));
    assertTrue(PublicInvoker.isPublic(PublicInvoker.withPublic(Policy.getDefaultInstance(), true)));
    assertNull(PublicInvoker.isPublic(null));
  }
}
