package org.fusioncds.security;

import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parses a compact JWS (RFC 7515 §7.1) after looking at its raw header: only asymmetric algorithms,
 * and no header that brings its own key ({@code jwk}, {@code x5u}, {@code x5c}, RFC 7515 §4.1.3–6),
 * so that {@code none}, every HMAC (including HS256 keyed with a public key) and key injection are
 * refused before any key is looked up.
 */
final class JwsParser {

  /** RSA PKCS#1 v1.5, RSA-PSS and ECDSA on P-256, P-384 and P-521. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private static final Set<String> ALGORITHM_NAMES =
      ALGORITHMS.stream().map(JWSAlgorithm::getName).collect(Collectors.toUnmodifiableSet());

  private static final Set<String> KEY_HEADERS = Set.of("jwk", "x5u", "x5c");

  private JwsParser() {}

  /** The signed JWT, its signature not yet checked; 7002 when malformed, 7003 when refused. */
  static SignedJWT parse(String token) {
    checkHeader(rawHeader(token));
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      jwt.getJWTClaimsSet();
      return jwt;
    } catch (ParseException e) {
      throw Refusal.MALFORMED_TOKEN.exception();
    }
  }

  private static Map<String, Object> rawHeader(String token) {
    try {
      Base64URL[] parts = JOSEObject.split(token);
      if (parts.length != 3) {
        throw Refusal.MALFORMED_TOKEN.exception();
      }
      return JSONObjectUtils.parse(parts[0].decodeToString());
    } catch (ParseException e) {
      throw Refusal.MALFORMED_TOKEN.exception();
    }
  }

  private static void checkHeader(Map<String, Object> header) {
    Object alg = header.get("alg");
    if (!(alg instanceof String) || !ALGORITHM_NAMES.contains(alg)) {
      throw Refusal.ALGORITHM_REFUSED.exception();
    }
    if (header.keySet().stream().anyMatch(KEY_HEADERS::contains)) {
      throw Refusal.ALGORITHM_REFUSED.exception();
    }
  }
}
