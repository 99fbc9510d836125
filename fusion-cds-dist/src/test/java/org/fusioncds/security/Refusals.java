package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Asserts a refusal: its code, status and a message that gives nothing away. */
final class Refusals {

  private Refusals() {}

  /**
   * Runs {@code action}, expects this refusal, and checks that the message is exactly the code and
   * the fixed reason and contains none of {@code secrets} (kid, issuer, claim values).
   */
  static AuthenticationException assertRefused(
      Refusal expected, Executable action, String... secrets) {
    AuthenticationException e = assertThrows(AuthenticationException.class, action);
    assertEquals(expected.code(), e.code(), e.getMessage());
    assertEquals("FCDS-" + expected.code() + ": " + expected.message(), e.getMessage());
    assertEquals(expected.httpStatus(), e.httpStatus());
    assertEquals(expected.reason(), e.reason());
    for (String secret : secrets) {
      assertFalse(e.getMessage().contains(secret), "message leaks " + secret);
    }
    assertEquals(null, e.getCause());
    return e;
  }
}
