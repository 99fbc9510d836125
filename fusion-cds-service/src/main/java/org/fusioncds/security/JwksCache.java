package org.fusioncds.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public keys of trusted issuers, fetched as JWK Sets (RFC 7517 §5) over HTTP and cached per URL,
 * as CDS Hooks 2.0.1 §Trusting CDS Clients has the EHR publish them; nimbus-jose-jwt's JWK set
 * sources do the work, all timed by the given clock. A fetch ({@link URLBasedJWKSetSource} with a
 * {@link DefaultResourceRetriever}) follows no redirect, reads at most 1 MiB and gives up when the
 * connection or any read takes longer than the timeout; an unreachable or invalid key set is 7014
 * (503: the module cannot decide, the caller is not at fault).
 *
 * <p>An unknown {@code kid} refetches the set, but at most once per {@code minRefreshInterval} per
 * URL, whatever the number of tokens: a flood of made-up key ids costs one fetch per interval.
 * Failed fetches count too, so a dead JWKS endpoint is not hammered. (Nimbus' own {@code
 * RateLimitedJWKSetSource} lets two fetches through per interval; {@link OncePerInterval} lets
 * one.) A set older than {@code maxAge} is refetched on its next use ({@link CachingJWKSetSource},
 * which also makes threads that want the same refresh wait for one fetch) so that keys the issuer
 * withdrew stop being trusted; if that fetch fails the old set is kept for up to another {@code
 * maxAge} ({@link OutageTolerantJWKSetSource}). Thread-safe.
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
  private final Map<URI, Source> sources = new ConcurrentHashMap<>();

  /**
   * Each cached key's public part, by the identity of the key in the fetched set: the same object
   * for every token until the set is fetched again, so that {@link SignatureCheck} keeps its
   * verifier (a new public copy per call made it decode the modulus again on every hook).
   */
  private final Cache<JWK, JWK> publicParts = Caffeine.newBuilder().weakKeys().build();

  /** The chain of one URL, and its fetch counter. */
  private record Source(JWKSetSource<SecurityContext> cached, OncePerInterval limit) {}

  public JwksCache(Duration minRefreshInterval, Duration maxAge, Duration timeout, Clock clock) {
    this.minRefreshInterval = Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A cache with the settings' refresh interval and timeout and {@link #DEFAULT_MAX_AGE}. */
  public static JwksCache of(VerifierSettings settings, Clock clock) {
    return new JwksCache(
        settings.jwksMinRefreshInterval(), DEFAULT_MAX_AGE, settings.httpTimeout(), clock);
  }

  /**
   * The key with this id in the set at {@code jwksUrl} (its public part, the same object until the
   * set is fetched again), or null when the set has none even after the one refetch the rate limit
   * allows.
   *
   * @throws AuthenticationException 7014 when the set cannot be fetched or parsed and no cached
   *     copy answers
   */
  public JWK key(URI jwksUrl, String kid) {
    JWKSetSource<SecurityContext> source = sources.computeIfAbsent(jwksUrl, this::source).cached();
    long now = clock.millis();
    try {
      JWK key =
          source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null).getKeyByKeyId(kid);
      if (key == null) {
        key = refreshed(source, now).getKeyByKeyId(kid);
      }
      return key == null ? null : publicParts.get(key, JWK::toPublicJWK);
    } catch (KeySourceException e) {
      LOG.warn("JWKS {} not fetched: {}", jwksUrl, e.getClass().getSimpleName());
      throw Refusal.KEYS_UNAVAILABLE.exception();
    }
  }

  /** How many fetches of this URL were attempted. */
  public int fetches(URI jwksUrl) {
    Source source = sources.get(jwksUrl);
    return source == null ? 0 : source.limit().fetches();
  }

  /** The set refetched for an unknown kid, or the cached one when the rate limit says no. */
  private static JWKSet refreshed(JWKSetSource<SecurityContext> source, long now)
      throws KeySourceException {
    try {
      return source.getJWKSet(JWKSetCacheRefreshEvaluator.forceRefresh(), now, null);
    } catch (RateLimitReachedException e) { // fetched lately, maybe by the thread we waited for
      return source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
    }
  }

  private Source source(URI url) {
    URL location;
    try {
      location = url.toURL();
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e); // TrustedIssuer admits absolute http(s) URLs only
    }
    int millis = Math.toIntExact(timeout.toMillis());
    OncePerInterval limit =
        new OncePerInterval(
            new URLBasedJWKSetSource<>(location, new NoRedirects(millis)),
            minRefreshInterval.toMillis());
    JWKSetSource<SecurityContext> outageTolerant =
        new OutageTolerantJWKSetSource<>(limit, 2 * maxAge.toMillis(), null);
    // threads wait for another's refresh up to: connect, headers and a slow body
    long refreshWait = 3L * millis;
    return new Source(
        new CachingJWKSetSource<>(outageTolerant, maxAge.toMillis(), refreshWait, null), limit);
  }

  /** Nimbus' retriever with the timeouts, the size limit and no redirects. */
  private static final class NoRedirects extends DefaultResourceRetriever {

    NoRedirects(int timeoutMillis) {
      super(timeoutMillis, timeoutMillis, MAX_BODY_BYTES);
      setHeaders(Map.of("Accept", List.of("application/json")));
    }

    @Override
    protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
      HttpURLConnection connection = super.openHTTPConnection(url);
      connection.setInstanceFollowRedirects(false);
      return connection;
    }
  }

  /**
   * Lets one fetch through per interval, failed ones included; a refused call gets the last failure
   * again (the keys are still unavailable) or, after a success, {@link RateLimitReachedException}.
   */
  private static final class OncePerInterval extends JWKSetSourceWrapper<SecurityContext> {

    private final long intervalMillis;
    private int fetches;
    private long lastAttempt;
    private KeySourceException lastFailure;

    OncePerInterval(JWKSetSource<SecurityContext> source, long intervalMillis) {
      super(source);
      this.intervalMillis = intervalMillis;
    }

    @Override
    public synchronized JWKSet getJWKSet(
        JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
        throws KeySourceException {
      if (fetches > 0 && currentTime < lastAttempt + intervalMillis) {
        throw lastFailure != null ? lastFailure : new RateLimitReachedException();
      }
      fetches++;
      lastAttempt = currentTime;
      try {
        JWKSet set = getSource().getJWKSet(refreshEvaluator, currentTime, context);
        lastFailure = null;
        return set;
      } catch (KeySourceException e) {
        lastFailure = e;
        throw e;
      }
    }

    synchronized int fetches() {
      return fetches;
    }
  }
}
