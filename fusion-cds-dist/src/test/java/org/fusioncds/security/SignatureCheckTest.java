package org.fusioncds.security;

import static org.fusioncds.security.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

/** Key type, curve, size and use against the header's algorithm. */
class SignatureCheckTest {

  private static final JWTClaimsSet CLAIMS = new JWTClaimsSet.Builder().subject("s").build();

  @Test
  void acceptsEcdsaAndRsaPssWithMatchingKeys() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    ECKey p521 = new ECKeyGenerator(Curve.P_521).generate();
    RSAKey rsa = new RSAKeyGenerator(2048).generate();

    SignedJWT es256 = signed(JWSAlgorithm.ES256, new ECDSASigner(p256));
    SignedJWT es512 = signed(JWSAlgorithm.ES512, new ECDSASigner(p521));
    SignedJWT ps256 = signed(JWSAlgorithm.PS256, new RSASSASigner(rsa));

    assertDoesNotThrow(() -> SignatureCheck.verify(es256, p256.toPublicJWK()));
    assertDoesNotThrow(() -> SignatureCheck.verify(es512, p521.toPublicJWK()));
    assertDoesNotThrow(() -> SignatureCheck.verify(ps256, rsa.toPublicJWK()));

    assertEquals(JWSObject.State.VERIFIED, es256.getState(), "ES256");
    assertEquals(JWSObject.State.VERIFIED, es512.getState(), "ES512");
    assertEquals(JWSObject.State.VERIFIED, ps256.getState(), "PS256");
  }

  @Test
  void refusesASignatureMadeWithAnotherKeyOfTheSameKind() throws Exception {
    ECKey signer = new ECKeyGenerator(Curve.P_256).generate();
    ECKey other = new ECKeyGenerator(Curve.P_256).generate();
    RSAKey rsaSigner = new RSAKeyGenerator(2048).generate();
    RSAKey rsaOther = new RSAKeyGenerator(2048).generate();
    SignedJWT es256 = signed(JWSAlgorithm.ES256, new ECDSASigner(signer));
    SignedJWT ps256 = signed(JWSAlgorithm.PS256, new RSASSASigner(rsaSigner));

    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(es256, other.toPublicJWK()));
    assertRefused(
        Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(ps256, rsaOther.toPublicJWK()));
  }

  @Test
  void aKeyRotatedUnderTheSameKidIsCheckedAsTheNewKey() throws Exception {
    // the verifiers are kept per key object: one kid, two keys, never the other's verifier
    RSAKey old = new RSAKeyGenerator(2048).keyID("ehr-1").generate();
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("ehr-1").generate();
    RSAKey oldPublic = old.toPublicJWK();
    RSAKey rotatedPublic = rotated.toPublicJWK();
    SignedJWT byOld = signed(JWSAlgorithm.RS256, new RSASSASigner(old));
    SignedJWT byRotated = signed(JWSAlgorithm.RS256, new RSASSASigner(rotated));

    assertDoesNotThrow(() -> SignatureCheck.verify(byOld, oldPublic));
    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(byOld, rotatedPublic));
    assertDoesNotThrow(() -> SignatureCheck.verify(byRotated, rotatedPublic));
    assertRefused(
        Refusal.BAD_SIGNATURE,
        () ->
            SignatureCheck.verify(
                signed(JWSAlgorithm.RS256, new RSASSASigner(old)), rotatedPublic));
  }

  @Test
  void aKeyIsCheckedTheSameOnItsHundredthUse() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    ECKey other = new ECKeyGenerator(Curve.P_256).generate();
    ECKey key = p256.toPublicJWK();
    SignedJWT rs256 =
        signed(JWSAlgorithm.RS256, new RSASSASigner(new RSAKeyGenerator(2048).generate()));
    for (int i = 0; i < 100; i++) {
      SignedJWT good = signed(JWSAlgorithm.ES256, new ECDSASigner(p256));
      SignedJWT bad = signed(JWSAlgorithm.ES256, new ECDSASigner(other));
      assertDoesNotThrow(() -> SignatureCheck.verify(good, key));
      assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(bad, key));
      assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(rs256, key));
    }
  }

  @Test
  void refusesEcKeyOnAnotherCurveThanTheAlgorithms() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    SignedJWT es384 = signed(JWSAlgorithm.ES384, new ECDSASigner(p384));

    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(es384, p256.toPublicJWK()));
  }

  @Test
  void refusesRsaKeyShorterThan2048Bits() throws Exception {
    RSAKey weak = new RSAKeyGenerator(1024, true).generate();
    SignedJWT jwt = signed(JWSAlgorithm.RS256, new RSASSASigner(weak.toPrivateKey(), true));

    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(jwt, weak.toPublicJWK()));
  }

  @Test
  void refusesKeyPublishedForEncryption() throws Exception {
    RSAKey enc = new RSAKeyGenerator(2048).keyUse(KeyUse.ENCRYPTION).generate();
    SignedJWT jwt = signed(JWSAlgorithm.RS256, new RSASSASigner(enc));

    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(jwt, enc.toPublicJWK()));
  }

  @Test
  void refusesRsaKeyForAnEcdsaToken() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    RSAKey rsa = new RSAKeyGenerator(2048).generate();
    SignedJWT es256 = signed(JWSAlgorithm.ES256, new ECDSASigner(p256));

    assertRefused(Refusal.BAD_SIGNATURE, () -> SignatureCheck.verify(es256, rsa.toPublicJWK()));
  }

  private static SignedJWT signed(JWSAlgorithm alg, JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(alg), CLAIMS);
    jwt.sign(signer);
    return SignedJWT.parse(jwt.serialize());
  }
}
