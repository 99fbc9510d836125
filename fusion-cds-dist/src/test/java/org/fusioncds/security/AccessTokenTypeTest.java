package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.fusioncds.sandbox.SandboxEhr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keycloak marks its tokens with a {@code typ} claim: only access tokens ({@code Bearer}) pass. */
class AccessTokenTypeTest {

  private static final String AUD = "fusion-cds";
  private static SandboxEhr issuer;
  private static TokenVerifier verifier;

  @BeforeAll
  static void start() {
    issuer = SandboxEhr.start();
    verifier =
        Verifiers.forApi(
            List.of(TrustedIssuer.of(issuer.issuer(), issuer.jwksUrl())), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private static String token(String typ) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer.issuer())
            .subject("service-account-compliance-officer")
            .audience(AUD)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .jwtID(UUID.randomUUID().toString());
    if (typ != null) {
      claims.claim("typ", typ);
    }
    return "Bearer " + issuer.sign(claims.build());
  }

  @Test
  void anIdTokenAddressedToUsIsRefused() {
    AuthenticationException e =
        assertThrows(
            AuthenticationException.class, () -> verifier.verify(token("ID"), Set.of(AUD)));
    assertEquals(7017, e.code());
  }

  @Test
  void anAccessTokenAndATokenWithoutTypPass() {
    assertEquals(issuer.issuer(), verifier.verify(token("Bearer"), Set.of(AUD)).issuer());
    assertEquals(issuer.issuer(), verifier.verify(token(null), Set.of(AUD)).issuer());
  }
}
