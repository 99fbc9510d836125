package org.fusioncds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

/**
 * Checks a JWS signature (RFC 7515 §5.2) with a key from the issuer's JWKS (RFC 7517): the key must
 * fit the header's algorithm (RSA of at least 2048 bits for RS/PS, EC on the algorithm's curve for
 * ES), must not be marked for encryption, and must name the same algorithm when it names one.
 * Everything else is nimbus-jose-jwt's verifier; any failure is 7007.
 */
final class SignatureCheck {

  static final int MIN_RSA_BITS = 2048;

  private SignatureCheck() {}

  static void verify(SignedJWT jwt, JWK key) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    boolean usable =
        (key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))
            && (key.getAlgorithm() == null || alg.equals(key.getAlgorithm()));
    try {
      if (!usable || !jwt.verify(verifier(alg, key))) {
        throw Refusal.BAD_SIGNATURE.exception();
      }
    } catch (JOSEException e) {
      throw Refusal.BAD_SIGNATURE.exception();
    }
  }

  private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) throws JOSEException {
    if (JWSAlgorithm.Family.RSA.contains(alg)
        && key instanceof RSAKey rsa
        && rsa.size() >= MIN_RSA_BITS) {
      return new RSASSAVerifier(rsa.toRSAPublicKey());
    }
    if (JWSAlgorithm.Family.EC.contains(alg)
        && key instanceof ECKey ec
        && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
      return new ECDSAVerifier(ec.toECPublicKey());
    }
    throw Refusal.BAD_SIGNATURE.exception();
  }
}
