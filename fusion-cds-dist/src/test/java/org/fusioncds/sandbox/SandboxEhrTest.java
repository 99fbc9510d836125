package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxEhrTest {

  private static final String AUDIENCE = "http://127.0.0.1:8080/cds-services/fusion";

  @Test
  void signsCdsHooksJwtVerifiableWithItsPublishedJwks() throws Exception {
    try (SandboxEhr ehr = SandboxEhr.start()) {
      SignedJWT jwt = SignedJWT.parse(ehr.sign(AUDIENCE));
      JWKSet published = fetchJwks(ehr);

      RSAKey key = (RSAKey) published.getKeyByKeyId(jwt.getHeader().getKeyID());
      assertTrue(jwt.verify(new RSASSAVerifier(key)));
      assertEquals(JWSAlgorithm.RS384, jwt.getHeader().getAlgorithm());
      assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
      assertEquals(1, ehr.jwksRequests());
    }
  }

  @Test
  void putsIssuerClientAudienceTimesAndIdInTheClaims() throws Exception {
    try (SandboxEhr ehr = SandboxEhr.start()) {
      JWTClaimsSet claims = SignedJWT.parse(ehr.sign(AUDIENCE)).getJWTClaimsSet();

      assertEquals(ehr.issuer(), claims.getIssuer());
      assertEquals("sandbox-ehr", claims.getSubject());
      assertEquals(List.of(AUDIENCE), claims.getAudience());
      long lifetime = claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
      assertEquals(Duration.ofMinutes(5).toMillis(), lifetime);
      assertTrue(claims.getJWTID().length() >= 32);
      assertTrue(ehr.issuer().startsWith("http://127.0.0.1:"));
    }
  }

  @Test
  void publishesOnlyPublicKeys() throws Exception {
    try (SandboxEhr ehr = SandboxEhr.start()) {
      JWKSet published = fetchJwks(ehr);

      assertEquals(1, published.getKeys().size());
      assertTrue(published.getKeys().stream().noneMatch(k -> k.isPrivate()));
    }
  }

  @Test
  void rotationPublishesBothKeysAndSignsWithTheNewOne() throws Exception {
    try (SandboxEhr ehr = SandboxEhr.start()) {
      String oldKid = ehr.publicKey().getKeyID();

      ehr.rotateKey();
      SignedJWT jwt = SignedJWT.parse(ehr.sign(AUDIENCE));
      JWKSet published = fetchJwks(ehr);

      assertNotEquals(oldKid, jwt.getHeader().getKeyID());
      assertEquals(ehr.publicKey().getKeyID(), jwt.getHeader().getKeyID());
      assertEquals(2, published.getKeys().size());
      assertTrue(published.getKeyByKeyId(oldKid) != null);
    }
  }

  private static JWKSet fetchJwks(SandboxEhr ehr) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(ehr.jwksUrl()).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return JWKSet.parse(response.body());
  }
}
