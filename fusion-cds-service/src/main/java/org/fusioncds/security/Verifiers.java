package org.fusioncds.security;

import java.time.Clock;
import java.util.List;

/** The two verifiers the module runs, on the same rules with different settings. */
public final class Verifiers {

  private Verifiers() {}

  /** CDS Hooks calls: EHR-signed, short-lived, each {@code jti} once (replay cache). */
  public static TokenVerifier forHooks(List<TrustedIssuer> issuers, Clock clock) {
    VerifierSettings settings = VerifierSettings.hookDefaults();
    return new TokenVerifier(
        issuers, JwksCache.of(settings, clock), ReplayCache.of(settings, clock), settings, clock);
  }

  /** The module's API: Keycloak access tokens, reused until they expire (no replay cache). */
  public static TokenVerifier forApi(List<TrustedIssuer> issuers, Clock clock) {
    VerifierSettings settings = VerifierSettings.apiDefaults();
    return new TokenVerifier(issuers, JwksCache.of(settings, clock), null, settings, clock);
  }
}
