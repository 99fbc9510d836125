package org.fusioncds.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public keys of trusted issuers, fetched as JWK Sets (RFC 7517 §5) over HTTP and cached per URL,
 * as CDS Hooks 2.0.1 §Trusting CDS Clients has the EHR publish them. A fetch follows no redirect,
 * reads at most 1 MiB and gives up when headers and body have not arrived within the timeout; an
 * unreachable or invalid key set is 7014 (503: the module cannot decide, the caller is not at
 * fault).
 *
 * <p>An unknown {@code kid} refetches the set, but at most once per {@code minRefreshInterval} per
 * URL, whatever the number of tokens: a flood of made-up key ids costs one fetch per interval.
 * Failed fetches count too, so a dead JWKS endpoint is not hammered. A set older than {@code
 * maxAge} is refetched on its next use so that keys the issuer withdrew stop being trusted; if that
 * fetch fails the old set is kept. Thread-safe: lookups of known keys take no lock; fetches of one
 * URL are serialised.
 */
public final class JwksCache {

  /** The largest JWKS body read. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** How long a fetched set is used before it is refetched, unless told otherwise. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);

  private final Duration minRefreshInterval;
  private final Duration maxAge;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private final Map<URI, Entry> entries = new ConcurrentHashMap<>();

  public JwksCache(Duration minRefreshInterval, Duration maxAge, Duration timeout, Clock clock) {
    this.minRefreshInterval = Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .build();
  }

  /** A cache with the settings' refresh interval and timeout and {@link #DEFAULT_MAX_AGE}. */
  public static JwksCache of(VerifierSettings settings, Clock clock) {
    return new JwksCache(
        settings.jwksMinRefreshInterval(), DEFAULT_MAX_AGE, settings.httpTimeout(), clock);
  }

  /**
   * The key with this id in the set at {@code jwksUrl}, or null when the set has none even after
   * the one refetch the rate limit allows.
   *
   * @throws AuthenticationException 7014 when the set cannot be fetched or parsed and no cached
   *     copy answers
   */
  public JWK key(URI jwksUrl, String kid) {
    Entry entry = entries.computeIfAbsent(jwksUrl, u -> new Entry());
    Snapshot snapshot = entry.snapshot;
    if (snapshot.keys != null && !isOld(snapshot)) {
      JWK key = snapshot.keys.getKeyByKeyId(kid);
      if (key != null) {
        return key;
      }
    }
    synchronized (entry) {
      return lookUpOrRefresh(jwksUrl, entry, kid);
    }
  }

  /** How many fetches of this URL were attempted. */
  public int fetches(URI jwksUrl) {
    Entry entry = entries.get(jwksUrl);
    return entry == null ? 0 : entry.fetches;
  }

  private JWK lookUpOrRefresh(URI url, Entry entry, String kid) {
    Snapshot snapshot = entry.snapshot;
    JWK known = snapshot.keys == null ? null : snapshot.keys.getKeyByKeyId(kid);
    if (known != null && !isOld(snapshot)) {
      return known;
    }
    boolean mayFetch =
        snapshot.attemptedAt == null
            || !clock.instant().isBefore(snapshot.attemptedAt.plus(minRefreshInterval));
    if (mayFetch) {
      entry.snapshot = refresh(url, entry, snapshot);
      snapshot = entry.snapshot;
    }
    if (snapshot.keys == null || (snapshot.failed && known == null)) {
      throw Refusal.KEYS_UNAVAILABLE.exception();
    }
    return snapshot.keys.getKeyByKeyId(kid);
  }

  private Snapshot refresh(URI url, Entry entry, Snapshot previous) {
    Instant now = clock.instant();
    entry.fetches++;
    try {
      return new Snapshot(fetch(url), now, now, false);
    } catch (IOException | ParseException e) {
      LOG.warn("JWKS {} not fetched: {}", url, e.getClass().getSimpleName());
      return new Snapshot(previous.keys, previous.fetchedAt, now, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Snapshot(previous.keys, previous.fetchedAt, now, true);
    }
  }

  private JWKSet fetch(URI url) throws IOException, InterruptedException, ParseException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest request =
        HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      byte[] bytes = readWithin(body, deadline - System.nanoTime());
      return JWKSet.parse(new String(bytes, StandardCharsets.UTF_8)).toPublicJWKSet();
    }
  }

  /** Reads at most 1 MiB; a watchdog closes the stream when the time is up. */
  private static byte[] readWithin(InputStream body, long nanos) throws IOException {
    AtomicBoolean late = new AtomicBoolean();
    CompletableFuture<Void> watchdog =
        CompletableFuture.runAsync(
            () -> {
              late.set(true);
              closeQuietly(body);
            },
            CompletableFuture.delayedExecutor(Math.max(nanos, 0), TimeUnit.NANOSECONDS));
    byte[] bytes;
    try {
      bytes = body.readNBytes(MAX_BODY_BYTES + 1);
    } finally {
      watchdog.cancel(false);
    }
    if (late.get()) {
      throw new IOException("body not read within the timeout");
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new IOException("body over " + MAX_BODY_BYTES + " bytes");
    }
    return bytes;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("closing a late JWKS body failed", e);
    }
  }

  private boolean isOld(Snapshot snapshot) {
    return snapshot.fetchedAt != null && clock.instant().isAfter(snapshot.fetchedAt.plus(maxAge));
  }

  /** What is known of one URL; replaced whole, read without a lock. */
  private record Snapshot(JWKSet keys, Instant fetchedAt, Instant attemptedAt, boolean failed) {}

  private static final class Entry {
    private volatile Snapshot snapshot = new Snapshot(null, null, null, false);
    private volatile int fetches;
  }
}
