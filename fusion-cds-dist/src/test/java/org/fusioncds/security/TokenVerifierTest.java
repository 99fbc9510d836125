package org.fusioncds.security;

import static org.fusioncds.security.EhrFixture.AUDIENCE;
import static org.fusioncds.security.EhrFixture.audiences;
import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The header, algorithm and issuer rules, and the accepted path. */
class TokenVerifierTest {

  private final EhrFixture fx = new EhrFixture();

  @AfterEach
  void stopEhr() {
    fx.close();
  }

  @Test
  void acceptsTokenSignedByTheEhrAndNamesTheCaller() {
    VerifierSettings settings = VerifierSettings.hookDefaults();
    TrustedIssuer issuer = TrustedIssuer.of(fx.ehr.issuer(), fx.ehr.jwksUrl());
    Clock clock = Clock.systemUTC();
    TokenVerifier verifier =
        new TokenVerifier(
            List.of(issuer),
            JwksCache.of(settings, clock),
            ReplayCache.of(settings, clock),
            settings,
            clock);

    Caller caller = verifier.verify("Bearer " + fx.ehr.sign(AUDIENCE), audiences());

    assertEquals(fx.ehr.issuer(), caller.issuer());
    assertEquals("sandbox-ehr", caller.subject());
    assertEquals("sandbox-ehr", caller.clientId());
    assertEquals(36, caller.tokenId().length());
    assertNull(caller.tenant());
    assertEquals(Set.of(), caller.roles());
    assertEquals(1, fx.ehr.jwksRequests());
  }

  @Test
  void readsClientIdTenantAndRealmRolesFromTheClaims() {
    JWTClaimsSet claims =
        fx.claims()
            .claim("azp", "fusion-admin-ui")
            .claim("tenant", "hospital-a")
            .claim("realm_access", Map.of("roles", List.of("auditor", "cds-admin")))
            .build();

    Caller caller = fx.verifier().verify(fx.bearer(claims), audiences());

    assertEquals("fusion-admin-ui", caller.clientId());
    assertEquals("hospital-a", caller.tenant());
    assertEquals(claims.getJWTID(), caller.tokenId());
    assertEquals(claims.getExpirationTime().toInstant(), caller.expiresAt());
    assertEquals(Set.of("auditor", "cds-admin"), caller.roles());
  }

  @Test
  void prefersClientIdClaimOverAzp() {
    JWTClaimsSet claims =
        fx.claims().claim("client_id", "ehr-client").claim("azp", "other").build();

    Caller caller = fx.verifier().verify(fx.bearer(claims), audiences());

    assertEquals("ehr-client", caller.clientId());
  }

  @Test
  void refusesMissingOrNonBearerAuthorization() {
    TokenVerifier verifier = fx.verifier();
    String token = fx.ehr.sign(AUDIENCE);

    assertRefused(Refusal.MISSING_TOKEN, () -> verifier.verify(null, audiences()));
    assertRefused(Refusal.MISSING_TOKEN, () -> verifier.verify("", audiences()));
    assertRefused(Refusal.MISSING_TOKEN, () -> verifier.verify("Bearer ", audiences()));
    assertRefused(Refusal.MISSING_TOKEN, () -> verifier.verify("Basic " + token, audiences()));
    assertRefused(Refusal.MISSING_TOKEN, () -> verifier.verify(token, audiences()));
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void acceptsBearerSchemeInAnyCase() {
    Caller caller = fx.verifier().verify("bearer " + fx.ehr.sign(fx.claims().build()), audiences());

    assertEquals("sandbox-ehr", caller.subject());
  }

  @Test
  void refusesTokenThatIsNotCompactJws() {
    TokenVerifier verifier = fx.verifier();
    String token = fx.ehr.sign(fx.claims().build());
    String[] parts = token.split("\\.");

    assertRefused(Refusal.MALFORMED_TOKEN, () -> verifier.verify("Bearer abc", audiences()));
    assertRefused(
        Refusal.MALFORMED_TOKEN,
        () -> verifier.verify("Bearer " + parts[0] + "." + parts[1], audiences()));
    assertRefused(
        Refusal.MALFORMED_TOKEN,
        () -> verifier.verify("Bearer bm90IGpzb24." + parts[1] + "." + parts[2], audiences()));
    assertRefused(
        Refusal.MALFORMED_TOKEN,
        () -> verifier.verify("Bearer " + parts[0] + ".bm90IGpzb24." + parts[2], audiences()));
    assertRefused(
        Refusal.MALFORMED_TOKEN, () -> verifier.verify("Bearer " + token + "!", audiences()));
    assertRefused(
        Refusal.MALFORMED_TOKEN,
        () -> verifier.verify("Bearer " + "a".repeat(40_000) + ".b.c", audiences()));
  }

  @Test
  void refusesUnsignedTokenBeforeAnyKeyLookup() {
    String none = new PlainJWT(fx.claims().build()).serialize();

    assertRefused(
        Refusal.ALGORITHM_REFUSED,
        () -> fx.verifier().verify("Bearer " + none, audiences()),
        fx.ehr.issuer());
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void refusesHs256SignedWithThePublicKeyAsSecret() throws Exception {
    RSAKey publicKey = fx.ehr.publicKey();
    byte[] secret = publicKey.toRSAPublicKey().getEncoded();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(),
            fx.claims().build());
    forged.sign(new MACSigner(secret));

    assertRefused(
        Refusal.ALGORITHM_REFUSED,
        () -> fx.verifier().verify("Bearer " + forged.serialize(), audiences()),
        publicKey.getKeyID());
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void refusesEveryHmacAndUnlistedAlgorithm() throws Exception {
    for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
      SignedJWT forged = new SignedJWT(new JWSHeader(alg), fx.claims().build());
      forged.sign(new MACSigner(new byte[64]));

      assertRefused(
          Refusal.ALGORITHM_REFUSED,
          () -> fx.verifier().verify("Bearer " + forged.serialize(), audiences()));
    }
    JWSHeader es256k = new JWSHeader.Builder(JWSAlgorithm.ES256K).keyID("k").build();
    String token =
        es256k.toBase64URL() + "." + fx.claims().build().toPayload().toBase64URL() + ".c2ln";
    assertRefused(
        Refusal.ALGORITHM_REFUSED, () -> fx.verifier().verify("Bearer " + token, audiences()));
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void refusesTokenThatCarriesItsOwnKey() throws Exception {
    RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
    List<JWSHeader> headers =
        List.of(
            header().jwk(attacker.toPublicJWK()).build(),
            header().x509CertURL(URI.create("http://127.0.0.1:9/cert.pem")).build(),
            header().x509CertChain(List.of(Base64.encode(new byte[] {1, 2, 3}))).build());

    for (JWSHeader header : headers) {
      SignedJWT jwt = new SignedJWT(header, fx.claims().build());
      jwt.sign(new RSASSASigner(attacker));

      assertRefused(
          Refusal.ALGORITHM_REFUSED,
          () -> fx.verifier().verify("Bearer " + jwt.serialize(), audiences()),
          "attacker");
    }
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void refusesIssuerNotOnTheAllowlist() {
    String untrusted = "https://ehr.evil.invalid/fhir";
    String token = fx.bearer(fx.claims().issuer(untrusted).build());

    assertRefused(
        Refusal.UNTRUSTED_ISSUER,
        () -> fx.verifier().verify(token, audiences()),
        untrusted,
        "evil");
    assertEquals(0, fx.ehr.jwksRequests());
  }

  @Test
  void refusesTokenWithoutIssuer() {
    String token = fx.bearer(fx.claims().issuer(null).build());

    assertRefused(Refusal.UNTRUSTED_ISSUER, () -> fx.verifier().verify(token, audiences()));
  }

  private JWSHeader.Builder header() {
    return new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(fx.ehr.publicKey().getKeyID())
        .type(JOSEObjectType.JWT);
  }
}
