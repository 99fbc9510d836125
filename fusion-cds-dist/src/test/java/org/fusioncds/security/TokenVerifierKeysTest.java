package org.fusioncds.security;

import static org.fusioncds.security.EhrFixture.audiences;
import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Key selection, {@code jku}, signature, rotation and the JWKS refresh rate limit. */
class TokenVerifierKeysTest {

  private static final Duration PAST_REFRESH_INTERVAL = Duration.ofSeconds(31);

  private final EhrFixture fx = new EhrFixture();

  @AfterEach
  void stopEhr() {
    fx.close();
  }

  @Test
  void refusesTokenWithoutKid() {
    JWSHeader noKid = new JWSHeader.Builder(JWSAlgorithm.RS384).type(JOSEObjectType.JWT).build();
    String token = "Bearer " + fx.ehr.sign(noKid, fx.claims().build());

    assertRefused(Refusal.UNKNOWN_KEY, () -> fx.verifier().verify(token, audiences()));
  }

  @Test
  void refusesKidNotInTheJwksAfterOneRefresh() throws Exception {
    TokenVerifier verifier = fx.verifier();
    verifier.verify(fx.bearer(fx.claims().build()), audiences());
    fx.clock.advance(PAST_REFRESH_INTERVAL);
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger-kid").generate();

    assertRefused(
        Refusal.UNKNOWN_KEY,
        () -> verifier.verify(signedBy(stranger, "stranger-kid"), audiences()),
        "stranger-kid");
    assertEquals(2, fx.ehr.jwksRequests());
  }

  @Test
  void rateLimitsRefreshesForUnknownKids() throws Exception {
    TokenVerifier verifier = fx.verifier();
    verifier.verify(fx.bearer(fx.claims().build()), audiences());
    fx.clock.advance(PAST_REFRESH_INTERVAL);
    RSAKey stranger = new RSAKeyGenerator(2048).generate();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tokens.add(signedBy(stranger, "made-up-" + i));
    }

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> codes = new ArrayList<>();
      for (String token : tokens) {
        codes.add(pool.submit(() -> codeOf(() -> verifier.verify(token, audiences()))));
      }
      for (Future<Integer> code : codes) {
        assertEquals(Refusal.UNKNOWN_KEY.code(), code.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, fx.ehr.jwksRequests());
  }

  @Test
  void acceptsRotatedKeyAfterOneRefresh() {
    TokenVerifier verifier = fx.verifier();
    verifier.verify(fx.bearer(fx.claims().build()), audiences());
    String signedBeforeRotation = fx.bearer(fx.claims().build());
    fx.ehr.rotateKey();
    fx.clock.advance(PAST_REFRESH_INTERVAL);

    Caller caller = verifier.verify(fx.bearer(fx.claims().build()), audiences());
    Caller earlier = verifier.verify(signedBeforeRotation, audiences());

    assertEquals(fx.ehr.issuer(), caller.issuer());
    assertEquals(fx.ehr.issuer(), earlier.issuer());
    assertEquals(2, fx.ehr.jwksRequests());
  }

  @Test
  void refusesJkuOutsideTheIssuersAllowlistWithoutFetchingIt() {
    try (SandboxEhr keyHost = SandboxEhr.start()) {
      JWSHeader header = header(keyHost).jwkURL(keyHost.jwksUrl()).build();
      String token = "Bearer " + keyHost.sign(header, fx.claims().build());

      assertRefused(
          Refusal.JKU_REFUSED,
          () -> fx.verifier().verify(token, audiences()),
          keyHost.jwksUrl().toString(),
          keyHost.publicKey().getKeyID());
      assertEquals(0, keyHost.jwksRequests());
      assertEquals(0, fx.ehr.jwksRequests());
    }
  }

  @Test
  void fetchesKeysFromAnAllowedJku() {
    try (SandboxEhr keyHost = SandboxEhr.start()) {
      TrustedIssuer issuer =
          new TrustedIssuer(
              fx.ehr.issuer(), fx.ehr.jwksUrl(), List.of(keyHost.jwksUrl()), Set.of());
      JWSHeader header = header(keyHost).jwkURL(keyHost.jwksUrl()).build();
      String token = "Bearer " + keyHost.sign(header, fx.claims().build());

      Caller caller =
          fx.verifier(VerifierSettings.hookDefaults(), issuer).verify(token, audiences());

      assertEquals(fx.ehr.issuer(), caller.issuer());
      assertEquals(1, keyHost.jwksRequests());
      assertEquals(0, fx.ehr.jwksRequests());
    }
  }

  @Test
  void refusesTamperedPayload() {
    String[] parts = fx.ehr.sign(fx.claims().build()).split("\\.");
    String payload = new Base64URL(parts[1]).decodeToString();
    String tampered = payload.replace("sandbox-ehr", "sandbox-ehs");
    Base64URL encoded = Base64URL.encode(tampered.getBytes(StandardCharsets.UTF_8));
    String token = "Bearer " + parts[0] + "." + encoded + "." + parts[2];

    assertRefused(
        Refusal.BAD_SIGNATURE, () -> fx.verifier().verify(token, audiences()), "sandbox-ehs");
  }

  @Test
  void refusesEcSignatureUnderAnRsaKid() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(fx.ehr.publicKey().getKeyID()).build();
    SignedJWT jwt = new SignedJWT(header, fx.claims().build());
    jwt.sign(new ECDSASigner(ec));

    assertRefused(
        Refusal.BAD_SIGNATURE,
        () -> fx.verifier().verify("Bearer " + jwt.serialize(), audiences()));
  }

  @Test
  void refusesAlgorithmOtherThanTheOneTheKeyNames() {
    JWSHeader rs256 =
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(fx.ehr.publicKey().getKeyID()).build();
    String token = "Bearer " + fx.ehr.sign(rs256, fx.claims().build());

    assertRefused(Refusal.BAD_SIGNATURE, () -> fx.verifier().verify(token, audiences()));
  }

  @Test
  void answers503WhenTheJwksCannotBeFetched() {
    URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.find() + "/ehr/jwks.json");
    TrustedIssuer issuer = TrustedIssuer.of(fx.ehr.issuer(), nowhere);
    TokenVerifier verifier = fx.verifier(VerifierSettings.hookDefaults(), issuer);

    AuthenticationException e =
        assertRefused(
            Refusal.KEYS_UNAVAILABLE,
            () -> verifier.verify(fx.bearer(fx.claims().build()), audiences()),
            nowhere.toString(),
            "127.0.0.1");
    assertEquals(503, e.httpStatus());
  }

  private String signedBy(RSAKey key, String kid) throws Exception {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(kid).build();
    SignedJWT jwt = new SignedJWT(header, fx.claims().build());
    jwt.sign(new RSASSASigner(key));
    return "Bearer " + jwt.serialize();
  }

  private static JWSHeader.Builder header(SandboxEhr signer) {
    return new JWSHeader.Builder(JWSAlgorithm.RS384)
        .keyID(signer.publicKey().getKeyID())
        .type(JOSEObjectType.JWT);
  }

  private static int codeOf(Runnable action) {
    try {
      action.run();
      return 0;
    } catch (AuthenticationException e) {
      return e.code();
    }
  }
}
