package org.fusioncds.security;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.fusioncds.sandbox.SandboxEhr;

/**
 * The EHR of the tests ({@link SandboxEhr}, real keys and JWKS over loopback) and a verifier that
 * trusts it, on a clock the test moves.
 */
final class EhrFixture implements AutoCloseable {

  static final String AUDIENCE = "https://cds.example.invalid/cds-services/fusion";
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  final SandboxEhr ehr = SandboxEhr.start();
  final MutableClock clock = new MutableClock(START);

  /** A verifier with the hook defaults that trusts only this EHR. */
  TokenVerifier verifier() {
    return verifier(VerifierSettings.hookDefaults(), TrustedIssuer.of(ehr.issuer(), ehr.jwksUrl()));
  }

  TokenVerifier verifier(VerifierSettings settings, TrustedIssuer... issuers) {
    return verifier(settings, ReplayCache.of(settings, clock), issuers);
  }

  TokenVerifier verifier(VerifierSettings settings, ReplayCache replay, TrustedIssuer... issuers) {
    return new TokenVerifier(
        List.of(issuers), JwksCache.of(settings, clock), replay, settings, clock);
  }

  /** CDS Hooks claims as the EHR sends them, issued now on the test clock. */
  JWTClaimsSet.Builder claims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(ehr.issuer())
        .subject(ehr.clientId())
        .audience(AUDIENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .jwtID(UUID.randomUUID().toString());
  }

  /** The claims signed by the EHR, as an Authorization header. */
  String bearer(JWTClaimsSet claims) {
    return "Bearer " + ehr.sign(claims);
  }

  static Set<String> audiences() {
    return Set.of(AUDIENCE);
  }

  @Override
  public void close() {
    ehr.close();
  }
}
