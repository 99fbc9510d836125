package org.fusioncds.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.Optional;

/**
 * Checks a JWS signature (RFC 7515 §5.2) with a key from the issuer's JWKS (RFC 7517): the key must
 * fit the header's algorithm (RSA of at least 2048 bits for RS/PS, EC on the algorithm's curve for
 * ES), must not be marked for encryption, and must name the same algorithm when it names one.
 * Everything else is nimbus-jose-jwt's verifier; any failure is 7007.
 *
 * <p>A key's verifier is made once and kept while the key is (weak keys, by identity: the JWKS
 * cache hands out the same {@link JWK} until it fetches the set again, and a refetched key is
 * another object). Making one decodes the key's modulus twice, in nimbus's constant-time Base64,
 * which cost as much as the signature check itself on every hook call. nimbus's verifiers are
 * thread-safe.
 */
final class SignatureCheck {

  static final int MIN_RSA_BITS = 2048;

  /** Each key's verifier; empty for a key no algorithm may use (RSA under 2048 bits). */
  private static final Cache<JWK, Optional<JWSVerifier>> VERIFIERS =
      Caffeine.newBuilder().weakKeys().maximumSize(1024).build();

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

  private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) {
    boolean fits =
        JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey
            || JWSAlgorithm.Family.EC.contains(alg)
                && key instanceof ECKey ec
                && Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
    Optional<JWSVerifier> made = fits ? VERIFIERS.get(key, SignatureCheck::made) : Optional.empty();
    return made.orElseThrow(Refusal.BAD_SIGNATURE::exception);
  }

  /** The key's verifier, for the family of algorithms its type serves. */
  private static Optional<JWSVerifier> made(JWK key) {
    try {
      if (key instanceof RSAKey rsa) {
        return rsa.size() >= MIN_RSA_BITS
            ? Optional.of(new RSASSAVerifier(rsa.toRSAPublicKey()))
            : Optional.empty();
      }
      if (key instanceof ECKey ec) {
        return Optional.of(new ECDSAVerifier(ec.toECPublicKey()));
      }
      return Optional.empty();
    } catch (JOSEException e) {
      return Optional.empty(); // a key nimbus cannot use verifies nothing
    }
  }
}
