package org.fusioncds.security;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An EHR (or identity provider) whose tokens the module accepts, CDS Hooks 2.0.1 §Trusting CDS
 * Clients: its {@code iss}, the JWKS URL (RFC 7517) that holds its public keys, the {@code jku}
 * header values (RFC 7515 §4.1.2) it may point at instead, compared as exact URIs, and the {@code
 * tenant} values it may send (empty: any or none).
 *
 * @param issuer the exact {@code iss} value
 * @param jwksUrl where its keys are, http or https
 * @param allowedJku {@code jku} values honoured for this issuer; empty: a {@code jku} is refused
 * @param tenants accepted {@code tenant} claims; empty: not checked
 */
public record TrustedIssuer(String issuer, URI jwksUrl, List<URI> allowedJku, Set<String> tenants) {

  public TrustedIssuer {
    Objects.requireNonNull(issuer, "issuer");
    if (issuer.isBlank()) {
      throw new IllegalArgumentException("blank issuer");
    }
    requireHttp(Objects.requireNonNull(jwksUrl, "jwksUrl"));
    allowedJku = allowedJku == null ? List.of() : List.copyOf(allowedJku);
    allowedJku.forEach(TrustedIssuer::requireHttp);
    tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
  }

  /** An issuer with one JWKS URL, no {@code jku} and no tenant check. */
  public static TrustedIssuer of(String issuer, URI jwksUrl) {
    return new TrustedIssuer(issuer, jwksUrl, List.of(), Set.of());
  }

  private static void requireHttp(URI url) {
    String scheme = url.getScheme();
    if (!url.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme))) {
      throw new IllegalArgumentException("JWKS URL must be absolute http(s): " + url);
    }
  }
}
