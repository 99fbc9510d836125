package org.fusioncds.security;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * The claim rules of RFC 7519 §4.1 as CDS Hooks 2.0.1 §Trusting CDS Clients uses them, on claims
 * whose signature has been checked: audience (7008), required claims (7012), {@code exp} (7009),
 * {@code nbf} and {@code iat} (7010), lifetime (7015) and tenant (7013). The clock skew widens
 * every time window by the same amount, edges included.
 */
final class ClaimsCheck {

  private final VerifierSettings settings;

  ClaimsCheck(VerifierSettings settings) {
    this.settings = settings;
  }

  void check(
      JWTClaimsSet claims, Set<String> acceptedAudiences, TrustedIssuer issuer, Instant now) {
    if (claims.getAudience().stream()
        .noneMatch(aud -> aud != null && acceptedAudiences.contains(aud))) {
      throw Refusal.WRONG_AUDIENCE.exception();
    }
    requireClaims(claims);
    checkType(claims);
    checkTimes(instant(claims.getExpirationTime()), instant(claims.getIssueTime()), claims, now);
    checkTenant(claims, issuer);
  }

  private void requireClaims(JWTClaimsSet claims) {
    boolean missing =
        claims.getExpirationTime() == null
            || claims.getIssueTime() == null
            || (settings.requireJti() && claims.getJWTID() == null)
            || (claims.getSubject() == null && CallerClaims.clientId(claims) == null);
    if (missing) {
      throw Refusal.MISSING_CLAIM.exception();
    }
  }

  /**
   * A Keycloak ID, refresh or logout token ({@code typ} claim other than {@code Bearer}) is not an
   * access token, even when addressed to us; EHR tokens usually carry no {@code typ} claim.
   */
  private static void checkType(JWTClaimsSet claims) {
    Object typ = claims.getClaim("typ");
    if (typ != null && !"Bearer".equalsIgnoreCase(typ.toString())) {
      throw Refusal.NOT_ACCESS_TOKEN.exception();
    }
  }

  private void checkTimes(Instant exp, Instant iat, JWTClaimsSet claims, Instant now) {
    Duration skew = settings.clockSkew();
    if (now.isAfter(exp.plus(skew))) {
      throw Refusal.EXPIRED.exception();
    }
    Instant nbf = instant(claims.getNotBeforeTime());
    if (iat.isAfter(now.plus(skew)) || (nbf != null && nbf.isAfter(now.plus(skew)))) {
      throw Refusal.NOT_YET_VALID.exception();
    }
    Duration max = settings.maxTokenLifetime();
    if (max != null && Duration.between(iat, exp).compareTo(max) > 0) {
      throw Refusal.LIFETIME_TOO_LONG.exception();
    }
  }

  private static void checkTenant(JWTClaimsSet claims, TrustedIssuer issuer) {
    if (issuer.tenants().isEmpty()) {
      return;
    }
    String tenant = CallerClaims.tenant(claims);
    if (tenant == null || !issuer.tenants().contains(tenant)) {
      throw Refusal.TENANT_REFUSED.exception();
    }
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
