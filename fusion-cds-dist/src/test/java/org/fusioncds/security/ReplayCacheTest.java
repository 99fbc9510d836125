package org.fusioncds.security;

import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {

  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final String EHR = "https://ehr.example.invalid";

  private final MutableClock clock = new MutableClock(T0);

  @Test
  void seesATokenIdOnlyOncePerIssuer() {
    ReplayCache cache = new ReplayCache(10, SKEW, clock);
    Instant exp = T0.plusSeconds(300);

    assertTrue(cache.firstUse(EHR, "jti-1", exp));
    assertFalse(cache.firstUse(EHR, "jti-1", exp));
    assertTrue(cache.firstUse("https://other.example.invalid", "jti-1", exp));
  }

  @Test
  void keepsAnEntryUntilExpiryPlusSkewThenDropsIt() {
    ReplayCache cache = new ReplayCache(10, SKEW, clock);
    Instant exp = T0.plusSeconds(300);
    cache.firstUse(EHR, "jti-1", exp);

    clock.advance(Duration.ofSeconds(300).plus(SKEW));
    assertFalse(cache.firstUse(EHR, "jti-1", exp));
    clock.advance(Duration.ofSeconds(1));

    assertEquals(0, cache.size());
    assertTrue(cache.firstUse(EHR, "jti-1", exp));
  }

  @Test
  void refusesNewEntriesWhenFullInsteadOfForgettingOldOnes() {
    ReplayCache cache = new ReplayCache(2, SKEW, clock);
    cache.firstUse(EHR, "a", T0.plusSeconds(60));
    cache.firstUse(EHR, "b", T0.plusSeconds(300));

    assertRefused(Refusal.REPLAY_CACHE_FULL, () -> cache.firstUse(EHR, "c", T0.plusSeconds(60)));
    assertFalse(cache.firstUse(EHR, "a", T0.plusSeconds(60)));
    clock.advance(Duration.ofSeconds(61).plus(SKEW));
    assertTrue(cache.firstUse(EHR, "c", T0.plusSeconds(300)));
    assertFalse(cache.firstUse(EHR, "b", T0.plusSeconds(300)));
  }

  @Test
  void letsExactlyOneOfEightThreadsUseEachTokenId() throws Exception {
    ReplayCache cache = new ReplayCache(100_000, SKEW, clock);
    int rounds = 500;
    CyclicBarrier barrier = new CyclicBarrier(8);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> wins = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        wins.add(pool.submit(() -> winsOver(cache, barrier, rounds)));
      }
      int total = 0;
      for (Future<Integer> w : wins) {
        total += w.get();
      }
      assertEquals(rounds, total);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(rounds, cache.size());
  }

  private static int winsOver(ReplayCache cache, CyclicBarrier barrier, int rounds)
      throws Exception {
    int won = 0;
    for (int i = 0; i < rounds; i++) {
      barrier.await();
      if (cache.firstUse(EHR, "jti-" + i, T0.plusSeconds(300))) {
        won++;
      }
    }
    return won;
  }
}
