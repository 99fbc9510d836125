package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class HookTokensTest {

  private static final Instant RECEIVED = Instant.parse("2026-03-01T10:00:00Z");
  private final TestClock clock = TestClock.fixedAt(RECEIVED);

  @Test
  void usesTheHookTokenUntilFiveSecondsBeforeItExpires() {
    HookTokens tokens = HookTokens.of("hook-token", 60, RECEIVED, clock, () -> "fallback-token");

    clock.advance(Duration.ofSeconds(54));
    String justBefore = tokens.get();
    clock.advance(Duration.ofSeconds(1));
    String atMargin = tokens.get();

    assertEquals("hook-token", justBefore);
    assertEquals("fallback-token", atMargin);
  }

  @Test
  void refusesWithCodeWhenExpiredAndNoFallback() {
    HookTokens tokens = HookTokens.of("hook-token", 30, RECEIVED, clock, null);
    clock.advance(Duration.ofSeconds(26));

    FcdsException e = assertThrows(FcdsException.class, tokens::get);

    assertEquals(7054, e.code());
    assertTrue(e.getMessage().contains("the hook's fhirAuthorization expired"), e.getMessage());
    assertFalse(e.getMessage().contains("hook-token"), e.getMessage());
  }

  @Test
  void aTokenOfFiveSecondsOrLessWithoutFallbackIsRefusedBeforeTheFirstCallWith412() {
    HookTokens shortLived = HookTokens.of("hook-token", 5, RECEIVED, clock, null);
    HookTokens withFallback = HookTokens.of("hook-token", 5, RECEIVED, clock, () -> "ours");
    HookTokens longer = HookTokens.of("hook-token", 6, RECEIVED, clock, null);

    FcdsException e = assertThrows(FcdsException.class, shortLived::requireUsable);

    assertEquals(7054, e.code());
    assertEquals(412, ((org.fusioncds.error.HttpAnswer) e).httpStatus());
    assertEquals("ours", withFallback.requireUsable().get());
    assertEquals("hook-token", longer.requireUsable().get());
  }

  @Test
  void keepsATokenWithoutExpiresInValid() {
    HookTokens tokens = HookTokens.of("hook-token", null, RECEIVED, clock, null);

    clock.advance(Duration.ofDays(1));

    assertEquals("hook-token", tokens.get());
  }

  @Test
  void treatsAZeroLifetimeAsAlreadyExpired() {
    HookTokens tokens = HookTokens.of("hook-token", 0, RECEIVED, clock, () -> "fallback-token");

    assertEquals("fallback-token", tokens.get());
  }

  @Test
  void neverShowsTheTokenInToString() {
    HookTokens tokens = HookTokens.of("hook-token", 60, RECEIVED, clock, null);

    assertFalse(tokens.toString().contains("hook-token"), tokens.toString());
  }

  @Test
  void refusesAMissingToken() {
    assertThrows(
        IllegalArgumentException.class, () -> HookTokens.of(" ", 60, RECEIVED, clock, null));
  }
}
