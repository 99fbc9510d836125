package org.fusioncds.security;

import static org.fusioncds.security.EhrFixture.AUDIENCE;
import static org.fusioncds.security.EhrFixture.START;
import static org.fusioncds.security.EhrFixture.audiences;
import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Audience, required claims, time windows with their skew edges, lifetime, tenant and replay. */
class TokenVerifierClaimsTest {

  private static final Duration SKEW = VerifierSettings.hookDefaults().clockSkew();
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private final EhrFixture fx = new EhrFixture();

  @AfterEach
  void stopEhr() {
    fx.close();
  }

  @Test
  void refusesAudienceThatIsNotThisService() {
    String other = "https://other.example.invalid/cds-services/x";
    String single = fx.bearer(fx.claims().audience(other).build());
    String several = fx.bearer(fx.claims().audience(List.of(other, "urn:x")).build());
    String none = fx.bearer(fx.claims().audience((String) null).build());

    assertRefused(Refusal.WRONG_AUDIENCE, () -> fx.verifier().verify(single, audiences()), other);
    assertRefused(Refusal.WRONG_AUDIENCE, () -> fx.verifier().verify(several, audiences()), other);
    assertRefused(Refusal.WRONG_AUDIENCE, () -> fx.verifier().verify(none, audiences()));
  }

  @Test
  void acceptsAudienceArrayThatNamesThisService() {
    String token = fx.bearer(fx.claims().audience(List.of("urn:other", AUDIENCE)).build());

    Caller caller = fx.verifier().verify(token, audiences());

    assertEquals("sandbox-ehr", caller.subject());
  }

  @Test
  void refusesTokenWithoutExpIatOrJti() {
    String noExp = fx.bearer(fx.claims().expirationTime(null).build());
    String noIat = fx.bearer(fx.claims().issueTime(null).build());
    String noJti = fx.bearer(fx.claims().jwtID(null).build());
    String noSubject = fx.bearer(fx.claims().subject(null).build());

    assertRefused(Refusal.MISSING_CLAIM, () -> fx.verifier().verify(noExp, audiences()));
    assertRefused(Refusal.MISSING_CLAIM, () -> fx.verifier().verify(noIat, audiences()));
    assertRefused(Refusal.MISSING_CLAIM, () -> fx.verifier().verify(noJti, audiences()));
    assertRefused(Refusal.MISSING_CLAIM, () -> fx.verifier().verify(noSubject, audiences()));
  }

  @Test
  void apiSettingsAcceptTokenWithoutJtiAndCheckNoReplay() {
    TrustedIssuer issuer = TrustedIssuer.of(fx.ehr.issuer(), fx.ehr.jwksUrl());
    TokenVerifier verifier =
        fx.verifier(VerifierSettings.apiDefaults(), (ReplayCache) null, issuer);
    String token = fx.bearer(fx.claims().jwtID(null).build());

    Caller first = verifier.verify(token, audiences());
    Caller again = verifier.verify(token, audiences());

    assertNull(first.tokenId());
    assertEquals(first, again);
  }

  @Test
  void acceptsTokenUntilExpiryPlusSkewAndRefusesOneSecondLater() {
    TokenVerifier verifier = fx.verifier();
    String atEdge = fx.bearer(fx.claims().expirationTime(at(START.minus(SKEW))).build());
    String pastEdge =
        fx.bearer(fx.claims().expirationTime(at(START.minus(SKEW).minus(ONE_SECOND))).build());

    verifier.verify(atEdge, audiences());
    assertRefused(Refusal.EXPIRED, () -> verifier.verify(pastEdge, audiences()));
  }

  @Test
  void refusesTokenThatExpiresWhileTheClockMoves() {
    TokenVerifier verifier = fx.verifier();
    String token = fx.bearer(fx.claims().build());
    fx.clock.advance(Duration.ofMinutes(5).plus(SKEW).plus(ONE_SECOND));

    assertRefused(Refusal.EXPIRED, () -> verifier.verify(token, audiences()));
  }

  @Test
  void acceptsNotBeforeUpToSkewAheadAndRefusesOneSecondMore() {
    TokenVerifier verifier = fx.verifier();
    String atEdge = fx.bearer(fx.claims().notBeforeTime(at(START.plus(SKEW))).build());
    String pastEdge =
        fx.bearer(fx.claims().notBeforeTime(at(START.plus(SKEW).plus(ONE_SECOND))).build());

    verifier.verify(atEdge, audiences());
    assertRefused(Refusal.NOT_YET_VALID, () -> verifier.verify(pastEdge, audiences()));
  }

  @Test
  void refusesTokenIssuedInTheFutureBeyondSkew() {
    TokenVerifier verifier = fx.verifier();
    Instant ahead = START.plus(SKEW).plus(ONE_SECOND);
    String token =
        fx.bearer(
            fx.claims().issueTime(at(ahead)).expirationTime(at(ahead.plusSeconds(60))).build());
    String atEdge =
        fx.bearer(
            fx.claims()
                .issueTime(at(START.plus(SKEW)))
                .expirationTime(at(START.plus(SKEW).plusSeconds(60)))
                .build());

    assertRefused(Refusal.NOT_YET_VALID, () -> verifier.verify(token, audiences()));
    verifier.verify(atEdge, audiences());
  }

  @Test
  void refusesLifetimeLongerThanTheBound() {
    TokenVerifier verifier = fx.verifier();
    Duration max = VerifierSettings.hookDefaults().maxTokenLifetime();
    String atBound = fx.bearer(fx.claims().expirationTime(at(START.plus(max))).build());
    String tooLong =
        fx.bearer(fx.claims().expirationTime(at(START.plus(max).plus(ONE_SECOND))).build());

    verifier.verify(atBound, audiences());
    assertRefused(Refusal.LIFETIME_TOO_LONG, () -> verifier.verify(tooLong, audiences()));
  }

  @Test
  void refusesTenantOutsideTheIssuersSet() {
    TrustedIssuer issuer =
        new TrustedIssuer(fx.ehr.issuer(), fx.ehr.jwksUrl(), List.of(), Set.of("hospital-a"));
    TokenVerifier verifier = fx.verifier(VerifierSettings.hookDefaults(), issuer);
    String absent = fx.bearer(fx.claims().build());
    String other = fx.bearer(fx.claims().claim("tenant", "hospital-b").build());
    String listed = fx.bearer(fx.claims().claim("tenant", "hospital-a").build());

    assertRefused(Refusal.TENANT_REFUSED, () -> verifier.verify(absent, audiences()));
    assertRefused(Refusal.TENANT_REFUSED, () -> verifier.verify(other, audiences()), "hospital-b");
    assertEquals("hospital-a", verifier.verify(listed, audiences()).tenant());
  }

  @Test
  void refusesReplayedJti() {
    TokenVerifier verifier = fx.verifier();
    JWTClaimsSet claims = fx.claims().build();
    String first = fx.bearer(claims);
    String sameJtiNewSignature = fx.bearer(fx.claims().jwtID(claims.getJWTID()).build());

    verifier.verify(first, audiences());

    assertRefused(Refusal.REPLAYED, () -> verifier.verify(first, audiences()), claims.getJWTID());
    assertRefused(Refusal.REPLAYED, () -> verifier.verify(sameJtiNewSignature, audiences()));
  }

  @Test
  void letsExactlyOneOfEightConcurrentUsesOfATokenThrough() throws Exception {
    TokenVerifier verifier = fx.verifier();
    verifier.verify(fx.bearer(fx.claims().build()), audiences());
    String token = fx.bearer(fx.claims().build());
    CountDownLatch start = new CountDownLatch(1);
    Callable<Integer> use =
        () -> {
          start.await();
          try {
            verifier.verify(token, audiences());
            return 0;
          } catch (AuthenticationException e) {
            return e.code();
          }
        };

    List<Integer> codes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(use));
      }
      start.countDown();
      for (Future<Integer> f : futures) {
        codes.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(1, codes.stream().filter(c -> c == 0).count(), codes.toString());
    assertEquals(7, codes.stream().filter(c -> c == Refusal.REPLAYED.code()).count());
  }

  @Test
  void refusesWhenTheReplayCacheIsFullWith503() {
    TrustedIssuer issuer = TrustedIssuer.of(fx.ehr.issuer(), fx.ehr.jwksUrl());
    ReplayCache oneEntry = new ReplayCache(1, SKEW, fx.clock);
    TokenVerifier verifier = fx.verifier(VerifierSettings.hookDefaults(), oneEntry, issuer);
    verifier.verify(fx.bearer(fx.claims().build()), audiences());
    String next = fx.bearer(fx.claims().build());

    AuthenticationException e =
        assertRefused(Refusal.REPLAY_CACHE_FULL, () -> verifier.verify(next, audiences()));
    assertEquals(503, e.httpStatus());
  }

  private static Date at(Instant instant) {
    return Date.from(instant);
  }
}
