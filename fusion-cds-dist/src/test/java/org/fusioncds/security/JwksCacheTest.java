package org.fusioncds.security;

import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Duration;
import java.time.Instant;
import org.fusioncds.sandbox.SandboxEhr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwksCacheTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Duration MAX_AGE = Duration.ofMinutes(10);

  private static RSAKey keyA;
  private static RSAKey keyB;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T12:00:00Z"));
  private final JwksTestServer server = newServer();
  private final JwksCache cache = new JwksCache(INTERVAL, MAX_AGE, Duration.ofSeconds(2), clock);

  @BeforeAll
  static void makeKeys() throws Exception {
    keyA = new RSAKeyGenerator(2048).keyID("key-a").generate();
    keyB = new RSAKeyGenerator(2048).keyID("key-b").generate();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void fetchesOnceAndAnswersKnownKidsFromTheCache() {
    server.answer(200, publicSet(keyA));

    JWK first = cache.key(server.url(), "key-a");
    JWK second = cache.key(server.url(), "key-a");

    assertEquals(keyA.toPublicJWK(), first);
    assertEquals(first, second);
    assertEquals(1, server.requests());
  }

  @Test
  void handsOutTheSameKeyObjectUntilTheSetIsFetchedAgain() {
    // the signature check keeps a key's verifier by the key's identity: a new copy per call made
    // every hook decode the key's modulus again
    server.answer(200, publicSet(keyA));
    JWK first = cache.key(server.url(), "key-a");

    assertSame(first, cache.key(server.url(), "key-a"));
    clock.advance(MAX_AGE.plusSeconds(1));
    JWK refetched = cache.key(server.url(), "key-a");

    assertEquals(2, server.requests());
    assertEquals(first, refetched);
    assertNotSame(first, refetched);
  }

  @Test
  void refetchesForAnUnknownKidAtMostOncePerInterval() {
    server.answer(200, publicSet(keyA));
    cache.key(server.url(), "key-a");
    clock.advance(INTERVAL);

    assertNull(cache.key(server.url(), "key-x"));
    assertNull(cache.key(server.url(), "key-y"));
    clock.advance(INTERVAL.minusSeconds(1));
    assertNull(cache.key(server.url(), "key-z"));

    assertEquals(2, server.requests());
    assertEquals(2, cache.fetches(server.url()));
  }

  @Test
  void keepsOnlyThePublicPartOfPublishedKeys() {
    server.answer(200, new JWKSet(keyA).toString(false));

    JWK key = cache.key(server.url(), "key-a");

    assertFalse(key.isPrivate());
  }

  @Test
  void doesNotFollowRedirects() {
    try (SandboxEhr elsewhere = SandboxEhr.start()) {
      server.redirectTo(elsewhere.jwksUrl());

      assertRefused(
          Refusal.KEYS_UNAVAILABLE,
          () -> cache.key(server.url(), elsewhere.publicKey().getKeyID()));
      assertEquals(1, server.requests());
      assertEquals(0, elsewhere.jwksRequests());
    }
  }

  @Test
  void refusesKeySetOverOneMebibyte() {
    String padded = "{\"keys\":" + keysArray(keyA) + ",\"pad\":\"" + "x".repeat(1 << 20) + "\"}";
    server.answer(200, padded);

    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));
  }

  @Test
  void refusesErrorStatusAndInvalidJson() {
    server.answer(500, publicSet(keyA));
    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));

    clock.advance(INTERVAL);
    server.answer(200, "{\"keys\": [ {\"kty\": \"RSA\"");
    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));

    clock.advance(INTERVAL);
    server.answer(200, "[]");
    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));
    assertEquals(3, server.requests());
  }

  @Test
  void givesUpOnABodyThatNeverEndsWithinTheTimeout() {
    server.answer(200, publicSet(keyA));
    server.stall();
    JwksCache quick = new JwksCache(INTERVAL, MAX_AGE, Duration.ofMillis(500), clock);

    long start = System.nanoTime();
    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> quick.key(server.url(), "key-a"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
  }

  @Test
  void doesNotRetryAFailedFetchWithinTheInterval() {
    server.answer(503, "");
    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));
    server.answer(200, publicSet(keyA));

    assertRefused(Refusal.KEYS_UNAVAILABLE, () -> cache.key(server.url(), "key-a"));
    assertEquals(1, server.requests());
    clock.advance(INTERVAL);
    assertNotNull(cache.key(server.url(), "key-a"));
  }

  @Test
  void dropsAWithdrawnKeyOnceTheSetIsOlderThanMaxAge() {
    server.answer(200, publicSet(keyA));
    cache.key(server.url(), "key-a");
    server.answer(200, publicSet(keyB));
    clock.advance(MAX_AGE.plusSeconds(1));

    assertNull(cache.key(server.url(), "key-a"));
    assertNotNull(cache.key(server.url(), "key-b"));
    assertEquals(2, server.requests());
  }

  @Test
  void keepsAnOldSetWhenItsRefreshFails() {
    server.answer(200, publicSet(keyA));
    cache.key(server.url(), "key-a");
    server.answer(500, "");
    clock.advance(MAX_AGE.plusSeconds(1));

    assertNotNull(cache.key(server.url(), "key-a"));
    assertEquals(2, server.requests());
  }

  private static String publicSet(RSAKey... keys) {
    return "{\"keys\":" + keysArray(keys) + "}";
  }

  private static String keysArray(RSAKey... keys) {
    StringBuilder array = new StringBuilder("[");
    for (RSAKey key : keys) {
      array.append(array.length() > 1 ? "," : "").append(key.toPublicJWK().toJSONString());
    }
    return array.append("]").toString();
  }

  private static JwksTestServer newServer() {
    try {
      return new JwksTestServer();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
