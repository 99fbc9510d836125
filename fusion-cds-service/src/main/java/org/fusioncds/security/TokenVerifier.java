package org.fusioncds.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Verifies the bearer JWT of a request, CDS Hooks 2.0.1 §Trusting CDS Clients (JWS RFC 7515, JWT
 * RFC 7519, JWK Set RFC 7517), with nimbus-jose-jwt; also used for Keycloak access tokens on the
 * module's own API. In order: Bearer header (7001), compact JWS (7002), asymmetric algorithm and no
 * embedded key (7003), trusted {@code iss} (7004), {@code jku} allowed for that issuer (7006),
 * {@code kid} in the issuer's JWKS after at most one rate-limited refresh (7005; 7014 when the keys
 * cannot be had), signature with a key of the right type (7007), audience (7008), required claims
 * (7012), expiry (7009), not-before and issued-at (7010), lifetime (7015), tenant (7013) and last
 * the {@code jti} replay check (7011; 7016 when the cache is full), so that only tokens that pass
 * every other rule use up a cache entry.
 *
 * <p>The {@code iss} claim and the {@code jku}/{@code kid} headers are read before the signature is
 * checked; they only choose which JWKS and which key to check it with, and nothing else from the
 * token is believed until the signature holds. Since keys are looked up per issuer, a valid
 * signature also binds the token to the issuer it names, as long as no two trusted issuers share a
 * key set. Thread-safe.
 */
public final class TokenVerifier {

  private final Map<String, TrustedIssuer> issuers;
  private final JwksCache jwks;
  private final ReplayCache replay;
  private final Clock clock;
  private final ClaimsCheck claimsCheck;

  /**
   * @param replay the replay cache; may be null only when {@code settings.requireJti()} is false
   *     (when given anyway, tokens that carry a {@code jti} are checked against it)
   */
  public TokenVerifier(
      List<TrustedIssuer> issuers,
      JwksCache jwks,
      ReplayCache replay,
      VerifierSettings settings,
      Clock clock) {
    this.issuers =
        issuers.stream()
            .collect(Collectors.toUnmodifiableMap(TrustedIssuer::issuer, Function.identity()));
    this.jwks = Objects.requireNonNull(jwks, "jwks");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (settings.requireJti() && replay == null) {
      throw new IllegalArgumentException("requireJti needs a replay cache");
    }
    this.replay = replay;
    this.claimsCheck = new ClaimsCheck(settings);
  }

  /**
   * The caller named by the token of this {@code Authorization} header.
   *
   * @param acceptedAudiences {@code aud} values meant for this service (its own URL); the token
   *     must name at least one (an empty set refuses every token)
   * @throws AuthenticationException with the code of the first rule the token breaks
   */
  public Caller verify(String authorizationHeader, Set<String> acceptedAudiences) {
    SignedJWT jwt = JwsParser.parse(BearerToken.from(authorizationHeader));
    JWTClaimsSet claims = claims(jwt);
    TrustedIssuer issuer = issuer(claims.getIssuer()); // unverified: only picks the key set
    SignatureCheck.verify(jwt, key(jwt, issuer));
    claimsCheck.check(claims, acceptedAudiences, issuer, clock.instant());
    checkReplay(claims);
    return CallerClaims.caller(claims);
  }

  private TrustedIssuer issuer(String iss) {
    TrustedIssuer issuer = iss == null ? null : issuers.get(iss);
    if (issuer == null) {
      throw Refusal.UNTRUSTED_ISSUER.exception();
    }
    return issuer;
  }

  private JWK key(SignedJWT jwt, TrustedIssuer issuer) {
    URI jku = jwt.getHeader().getJWKURL();
    if (jku != null && !issuer.allowedJku().contains(jku)) {
      throw Refusal.JKU_REFUSED.exception();
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null) {
      throw Refusal.UNKNOWN_KEY.exception();
    }
    JWK key = jwks.key(jku != null ? jku : issuer.jwksUrl(), kid);
    if (key == null) {
      throw Refusal.UNKNOWN_KEY.exception();
    }
    return key;
  }

  private void checkReplay(JWTClaimsSet claims) {
    String jti = claims.getJWTID();
    if (replay == null || jti == null) {
      return;
    }
    if (!replay.firstUse(claims.getIssuer(), jti, claims.getExpirationTime().toInstant())) {
      throw Refusal.REPLAYED.exception();
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw Refusal.MALFORMED_TOKEN.exception();
    }
  }
}
