package org.fusioncds.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The {@code jti} values already seen (RFC 7519 §4.1.7; CDS Hooks 2.0.1: "a nonce ... used to
 * protect against replay attacks"), per issuer, each kept until its token can no longer be accepted
 * ({@code exp} + clock skew) and then dropped.
 *
 * <p>Bounded: when {@code capacity} live entries are held, a new {@code jti} is refused with 7016
 * (503) rather than an old one forgotten. Forgetting would let whoever fills the cache replay any
 * token whose entry was evicted; refusing fails closed and is visible (503s and audit entries)
 * until entries expire. Since only tokens with a valid signature from a trusted issuer reach the
 * cache, filling it takes a trusted issuer's keys. Thread-safe; each call is O(log n).
 */
public final class ReplayCache {

  /** The default bound: 100 000 entries, about 19 MB (measured with UUID token ids). */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final int capacity;
  private final Duration skew;
  private final Clock clock;
  private final Map<Key, Instant> seen = new HashMap<>();
  private final PriorityQueue<Expiry> expiries = new PriorityQueue<>();

  public ReplayCache(int capacity, Duration skew, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.skew = Objects.requireNonNull(skew, "skew");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A cache of {@link #DEFAULT_CAPACITY} entries with the settings' clock skew. */
  public static ReplayCache of(VerifierSettings settings, Clock clock) {
    return new ReplayCache(DEFAULT_CAPACITY, settings.clockSkew(), clock);
  }

  /**
   * Records this token id; true the first time it is seen while the token can still be valid, false
   * when it is a replay.
   *
   * @throws AuthenticationException 7016 when the cache is full of live entries
   */
  public synchronized boolean firstUse(String issuer, String jti, Instant expiresAt) {
    Instant now = clock.instant();
    dropExpired(now);
    Key key = new Key(issuer, jti);
    if (seen.containsKey(key)) {
      return false;
    }
    if (seen.size() >= capacity) {
      throw Refusal.REPLAY_CACHE_FULL.exception();
    }
    Instant until = expiresAt.plus(skew);
    seen.put(key, until);
    expiries.add(new Expiry(until, key));
    return true;
  }

  /** How many token ids are held now. */
  public synchronized int size() {
    dropExpired(clock.instant());
    return seen.size();
  }

  private void dropExpired(Instant now) {
    while (!expiries.isEmpty() && expiries.peek().until().isBefore(now)) {
      seen.remove(expiries.poll().key());
    }
  }

  private record Key(String issuer, String jti) {}

  private record Expiry(Instant until, Key key) implements Comparable<Expiry> {
    @Override
    public int compareTo(Expiry other) {
      return until.compareTo(other.until);
    }
  }
}
