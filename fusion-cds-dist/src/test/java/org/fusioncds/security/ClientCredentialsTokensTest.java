package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of the client credentials client that need no token endpoint. */
class ClientCredentialsTokensTest {

  private static final URI ENDPOINT = URI.create("https://idp.example.org/realms/r/token");
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void refreshesTenSecondsEarlyForShortTokensAndTenPercentEarlyForLongOnes() {
    assertEquals(NOW.plusSeconds(50), ClientCredentialsTokens.refreshAt(NOW, 60L));
    assertEquals(NOW.plusSeconds(270), ClientCredentialsTokens.refreshAt(NOW, 300L));
    assertEquals(NOW.plusSeconds(3240), ClientCredentialsTokens.refreshAt(NOW, 3600L));
    assertEquals(NOW, ClientCredentialsTokens.refreshAt(NOW, null));
  }

  @Test
  void readsAnAccessTokenAnswer() {
    ClientCredentialsTokens.TokenAnswer answer =
        parse("{\"access_token\":\"eyJ.a-b_c.d\",\"token_type\":\"bearer\",\"expires_in\":300}");

    assertEquals("eyJ.a-b_c.d", answer.accessToken());
    assertEquals(300L, answer.expiresIn());
    assertNull(parse("{\"access_token\":\"abc\"}").expiresIn());
    assertEquals(60L, parse("{\"access_token\":\"abc\",\"expires_in\":\"60\"}").expiresIn());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{\"access_token\":\"\"}",
        "{\"access_token\":42}",
        "{\"access_token\":\"abc\\r\\nX-Injected: 1\"}",
        "{\"access_token\":\"abc def\"}",
        "{\"access_token\":\"abc\",\"token_type\":\"DPoP\"}",
        "{\"access_token\":\"abc\",\"expires_in\":0}",
        "{\"access_token\":\"abc\",\"expires_in\":-5}",
        "{\"access_token\":\"abc\",\"expires_in\":1.5}",
        "{\"access_token\":\"abc\",\"expires_in\":\"soon\"}",
        "{\"access_token\":\"abc\",\"expires_in\":true}"
      })
  void refusesMalformedAnswersWithCode(String body) {
    FcdsException e = assertThrows(FcdsException.class, () -> parse(body));

    assertEquals(7053, e.code(), e.getMessage());
  }

  @Test
  void signsAnRs384ClientAssertionForTheTokenEndpoint() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ClientCredentialsTokens auth = privateKeyJwt(key, JWSAlgorithm.RS384);

    SignedJWT jwt = assertion(auth, NOW);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertTrue(jwt.verify(new RSASSAVerifier(key.toPublicJWK())));
    assertEquals(JWSAlgorithm.RS384, jwt.getHeader().getAlgorithm());
    assertEquals("rsa-1", jwt.getHeader().getKeyID());
    assertEquals("backend", claims.getIssuer());
    assertEquals("backend", claims.getSubject());
    assertEquals(List.of(ENDPOINT.toString()), claims.getAudience());
    assertTrue(claims.getExpirationTime().toInstant().isAfter(NOW));
    assertFalse(claims.getExpirationTime().toInstant().isAfter(NOW.plus(Duration.ofMinutes(5))));
  }

  @Test
  void givesEveryAssertionItsOwnJti() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_384).keyID("ec-1").generate();
    ClientCredentialsTokens auth = privateKeyJwt(key, JWSAlgorithm.ES384);

    SignedJWT first = assertion(auth, NOW);
    SignedJWT second = assertion(auth, NOW);

    assertTrue(first.verify(new ECDSAVerifier(key.toPublicJWK())));
    assertFalse(first.getJWTClaimsSet().getJWTID().equals(second.getJWTClaimsSet().getJWTID()));
  }

  @Test
  void refusesKeysThatCannotSignWithTheAlgorithm() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    RSAKey noKid = new RSAKeyGenerator(2048).generate();

    assertEquals(7055, keyCode(rsa, JWSAlgorithm.ES384));
    assertEquals(7055, keyCode(rsa, JWSAlgorithm.HS256));
    assertEquals(7055, keyCode(p256, JWSAlgorithm.ES384));
    assertEquals(7055, keyCode(rsa.toPublicJWK(), JWSAlgorithm.RS384));
    assertEquals(7055, keyCode(noKid, JWSAlgorithm.RS384));
  }

  @Test
  void neverShowsTheSecretInToString() {
    ClientCredentialsTokens tokens =
        ClientCredentialsTokens.forSecret(
            ENDPOINT, "fusion-cds", "s3cret", null, Clock.systemUTC());

    assertFalse(tokens.toString().contains("s3cret"), tokens.toString());
    assertTrue(tokens.toString().contains("fusion-cds"), tokens.toString());
  }

  private static int keyCode(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg) {
    return assertThrows(
            FcdsException.class,
            () ->
                ClientCredentialsTokens.forPrivateKeyJwt(
                    ENDPOINT, "backend", key, alg, null, Clock.systemUTC()))
        .code();
  }

  private static ClientCredentialsTokens privateKeyJwt(
      com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg) {
    return ClientCredentialsTokens.forPrivateKeyJwt(
        ENDPOINT, "backend", key, alg, null, Clock.systemUTC());
  }

  /** The client assertion the client would send in a token request made at {@code now}. */
  private static SignedJWT assertion(ClientCredentialsTokens tokens, Instant now) {
    return ((PrivateKeyJWT) tokens.clientAuthentication(now)).getClientAssertion();
  }

  /** A 200 answer of the token endpoint with this JSON body. */
  private static ClientCredentialsTokens.TokenAnswer parse(String body) {
    HTTPResponse response = new HTTPResponse(200);
    response.setEntityContentType(ContentType.APPLICATION_JSON);
    response.setBody(body);
    return ClientCredentialsTokens.parse(response, ENDPOINT);
  }
}
