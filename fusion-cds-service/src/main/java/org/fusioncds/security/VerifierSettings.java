package org.fusioncds.security;

import java.time.Duration;
import java.util.Objects;

/**
 * How strictly bearer JWTs (RFC 7519) are checked; data, read from {@code security.*} settings.
 *
 * @param clockSkew tolerated difference between the issuer's clock and ours, applied to {@code
 *     exp}, {@code nbf} and {@code iat}
 * @param maxTokenLifetime the longest {@code exp − iat} accepted; null: no bound
 * @param requireJti whether {@code jti} is required and checked against the replay cache (CDS Hooks
 *     2.0.1: yes; bearer tokens reused across calls, such as Keycloak access tokens: no)
 * @param jwksMinRefreshInterval the shortest time between two fetches of one JWKS URL, whatever
 *     unknown {@code kid}s arrive
 * @param httpTimeout connect and response timeout of a JWKS fetch
 */
public record VerifierSettings(
    Duration clockSkew,
    Duration maxTokenLifetime,
    boolean requireJti,
    Duration jwksMinRefreshInterval,
    Duration httpTimeout) {

  public VerifierSettings {
    requireNotNegative(clockSkew, "clockSkew");
    if (maxTokenLifetime != null) {
      requireNotNegative(maxTokenLifetime, "maxTokenLifetime");
    }
    requireNotNegative(jwksMinRefreshInterval, "jwksMinRefreshInterval");
    requireNotNegative(httpTimeout, "httpTimeout");
    if (httpTimeout.isZero()) {
      throw new IllegalArgumentException("httpTimeout must be positive");
    }
  }

  /**
   * For CDS Hooks calls: 30 s skew; lifetime at most 5 minutes (the EHR signs one short-lived JWT
   * per call, as SMART Backend Services asks of its assertions; a longer-lived token only widens
   * the window for a stolen one); {@code jti} required; JWKS refetched at most every 30 s; 5 s
   * timeout.
   */
  public static VerifierSettings hookDefaults() {
    return new VerifierSettings(
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        true,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  /**
   * For the module's own API (Keycloak access tokens, reused until they expire): as {@link
   * #hookDefaults()} but lifetime at most 1 hour and no {@code jti} replay check.
   */
  public static VerifierSettings apiDefaults() {
    return new VerifierSettings(
        Duration.ofSeconds(30),
        Duration.ofHours(1),
        false,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  private static void requireNotNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
