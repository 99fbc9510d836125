package org.fusioncds.security;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a {@link Caller} from verified claims (RFC 7519; CDS Hooks 2.0.1 {@code tenant}; RFC 8693
 * {@code client_id}; OpenID Connect {@code azp}; Keycloak {@code realm_access.roles}). A claim of
 * an unexpected type counts as absent, so it can only take rights away.
 */
final class CallerClaims {

  private CallerClaims() {}

  static Caller caller(JWTClaimsSet claims) {
    String clientId = clientId(claims);
    return new Caller(
        claims.getIssuer(),
        claims.getSubject(),
        clientId != null ? clientId : claims.getSubject(),
        claims.getJWTID(),
        tenant(claims),
        claims.getExpirationTime().toInstant(),
        roles(claims));
  }

  /** {@code client_id}, else {@code azp}, else null. */
  static String clientId(JWTClaimsSet claims) {
    String clientId = string(claims, "client_id");
    return clientId != null ? clientId : string(claims, "azp");
  }

  static String tenant(JWTClaimsSet claims) {
    return string(claims, "tenant");
  }

  private static Set<String> roles(JWTClaimsSet claims) {
    if (!(claims.getClaim("realm_access") instanceof Map<?, ?> realmAccess)
        || !(realmAccess.get("roles") instanceof List<?> roles)) {
      return Set.of();
    }
    return roles.stream()
        .filter(String.class::isInstance)
        .map(String.class::cast)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static String string(JWTClaimsSet claims, String name) {
    return claims.getClaim(name) instanceof String s ? s : null;
  }
}
