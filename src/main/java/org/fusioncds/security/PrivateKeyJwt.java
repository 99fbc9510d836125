package org.fusioncds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2, OpenID Connect Core §9; SMART App
 * Launch 2.x Backend Services, which asks for RS384 or ES384): a fresh JWT per request, {@code iss}
 * = {@code sub} = client id, {@code aud} = the token endpoint, a random {@code jti}, {@code exp}
 * two minutes ahead (SMART: at most five), signed with the client's private RSA or EC key and its
 * {@code kid}. Error 7055 when the key cannot sign with the algorithm.
 */
final class PrivateKeyJwt implements ClientAuthentication {

  static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(2);
  private static final String ASSERTION_TYPE =
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private final String clientId;
  private final URI audience;
  private final JWSAlgorithm alg;
  private final String keyId;
  private final JWSSigner signer;

  PrivateKeyJwt(String clientId, URI tokenEndpoint, JWK privateKey, JWSAlgorithm alg) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.audience = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.alg = Objects.requireNonNull(alg, "alg");
    Objects.requireNonNull(privateKey, "privateKey");
    if (!privateKey.isPrivate() || privateKey.getKeyID() == null) {
      throw unusable("needs a private key with a kid", privateKey);
    }
    this.keyId = privateKey.getKeyID();
    this.signer = signer(privateKey, alg);
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public void authenticate(HttpRequest.Builder request, Map<String, String> form, Instant now) {
    form.put("client_assertion_type", ASSERTION_TYPE);
    form.put("client_assertion", assertion(now));
  }

  /** A signed client assertion for one token request. */
  String assertion(Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(audience.toString())
            .jwtID(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
            .build();
    JWSHeader header = new JWSHeader.Builder(alg).keyID(keyId).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new FcdsException(
          ErrorCode.CLIENT_ASSERTION,
          "cannot sign the client assertion for " + clientId + " with kid " + keyId,
          e);
    }
    return jwt.serialize();
  }

  @Override
  public String toString() {
    return "private_key_jwt[" + clientId + ", " + alg + ", kid " + keyId + "]";
  }

  private JWSSigner signer(JWK key, JWSAlgorithm alg) {
    try {
      if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
        return new RSASSASigner(rsa);
      }
      if (key instanceof ECKey ec && alg.equals(ECDSA.resolveAlgorithm(ec.getCurve()))) {
        return new ECDSASigner(ec);
      }
    } catch (JOSEException e) {
      throw unusable("cannot sign: " + e.getMessage(), key);
    }
    throw unusable(
        "cannot sign with " + alg + " (RSA keys: RS*/PS*, EC keys: their curve's ES*)", key);
  }

  private FcdsException unusable(String why, JWK key) {
    return new FcdsException(
        ErrorCode.CLIENT_ASSERTION,
        "the private_key_jwt key of client "
            + clientId
            + " "
            + why
            + " — "
            + key.getKeyType()
            + " key, kid "
            + key.getKeyID());
  }
}
