package org.fusioncds.security;

import java.time.Instant;
import java.util.Set;

/**
 * Who made a request, as a verified bearer token (RFC 7519) says: for a CDS Hooks call the EHR
 * ({@code iss}) and its client id ({@code sub}, CDS Hooks 2.0.1 §JWT); for the module's own API a
 * Keycloak client or user with its realm roles. Holds no patient data; the token id is the audit
 * trail's policy id (IHE BALP).
 *
 * @param issuer the {@code iss} claim, checked against the allowlist
 * @param subject the {@code sub} claim
 * @param clientId {@code client_id} or {@code azp} when the token has one, else the subject
 * @param tokenId the {@code jti} claim (null when the policy does not require one)
 * @param tenant the {@code tenant} claim, or null
 * @param expiresAt the {@code exp} claim
 * @param roles Keycloak realm roles ({@code realm_access.roles}); empty for EHR tokens
 */
public record Caller(
    String issuer,
    String subject,
    String clientId,
    String tokenId,
    String tenant,
    Instant expiresAt,
    Set<String> roles) {

  public Caller {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** True when the caller holds this realm role. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
