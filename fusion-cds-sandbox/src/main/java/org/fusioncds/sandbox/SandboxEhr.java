package org.fusioncds.sandbox;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The EHR side of CDS Hooks 2.0.1 §Trusting CDS Clients, for the demo and the tests: an RSA key
 * pair whose public half is served as a JWKS (RFC 7517) on 127.0.0.1 at {@code
 * /ehr/.well-known/jwks.json}, and JWTs (RFC 7519) signed RS384 with {@code iss}, {@code
 * sub}=client id, {@code aud}, {@code iat}, {@code exp} (5 minutes) and {@code jti}. Keys can be
 * rotated; every key made so far stays published. Never on the serve path.
 *
 * <p>Errors: 7029 the JWKS endpoint cannot listen or a key cannot be made or used.
 */
public final class SandboxEhr implements AutoCloseable {

  /** The JWKS path under the server root. */
  public static final String JWKS_PATH = "/ehr/.well-known/jwks.json";

  private static final Duration LIFETIME = Duration.ofMinutes(5);

  private final HttpServer http;
  private final String issuer;
  private final List<RSAKey> keys = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksRequests = new AtomicInteger();

  private SandboxEhr(HttpServer http) {
    this.http = http;
    this.issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/ehr";
    keys.add(newKey());
  }

  /** Makes a key pair and serves its JWKS on a free loopback port. */
  public static SandboxEhr start() {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new FcdsException(ErrorCode.SANDBOX_EHR, "EHR sandbox cannot listen on loopback", e);
    }
    SandboxEhr ehr = new SandboxEhr(http);
    http.createContext(JWKS_PATH, ehr::serveJwks);
    http.start();
    return ehr;
  }

  /** The {@code iss} of its tokens, for example {@code http://127.0.0.1:41234/ehr}. */
  public String issuer() {
    return issuer;
  }

  /** Where its public keys are served. */
  public URI jwksUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + JWKS_PATH);
  }

  /** The {@code sub} of its tokens: the client id the CDS service knows the EHR by. */
  public String clientId() {
    return "sandbox-ehr";
  }

  /** How many times the JWKS was asked for. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** The current signing key's public half. */
  public RSAKey publicKey() {
    return current().toPublicJWK();
  }

  /**
   * The current signing key, private half included: printed by {@code demo --stay} so that a person
   * trying the service can sign hook calls as this (throw-away, loopback-only) EHR.
   */
  public RSAKey privateKey() {
    return current();
  }

  /** Adds a new key with a new kid; both are published, new signatures use the new one. */
  public void rotateKey() {
    keys.add(newKey());
  }

  /** A CDS Hooks JWT for a call to {@code audience} (the service's URL), valid 5 minutes. */
  public String sign(String audience) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(clientId())
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    return sign(claims);
  }

  /**
   * A SMART EHR launch for the app at {@code appLaunchUrl} (its {@code aud}), signed as the hook
   * calls are: the patient in context, the FHIR server, and the card link's {@code appContext};
   * valid 5 minutes, used once.
   */
  public String launch(
      String appLaunchUrl, String patientId, String fhirServer, String appContext) {
    return launch(appLaunchUrl, patientId, fhirServer, appContext, Instant.now());
  }

  /** The same launch, issued at {@code issued} (a test makes an expired one). */
  public String launch(
      String appLaunchUrl, String patientId, String fhirServer, String appContext, Instant issued) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(clientId())
            .audience(appLaunchUrl)
            .issueTime(Date.from(issued))
            .expirationTime(Date.from(issued.plus(LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .claim("patient", patientId)
            .claim("fhirServer", fhirServer)
            .claim("appContext", appContext)
            .build();
    return sign(claims);
  }

  /** These claims signed RS384 with the current key (header kid and typ JWT). */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS384)
            .keyID(current().getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    return sign(header, claims);
  }

  /** These claims under this header, signed with the current key whatever the header says. */
  public String sign(JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new RSASSASigner(current()));
    } catch (JOSEException e) {
      throw new FcdsException(
          ErrorCode.SANDBOX_EHR, "EHR sandbox cannot sign with " + header.getAlgorithm(), e);
    }
    return jwt.serialize();
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private RSAKey current() {
    return keys.get(keys.size() - 1);
  }

  private void serveJwks(HttpExchange x) throws IOException {
    jwksRequests.incrementAndGet();
    List<com.nimbusds.jose.jwk.JWK> published = List.copyOf(keys);
    byte[] body = new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS384)
          .keyID(UUID.randomUUID().toString())
          .generate();
    } catch (JOSEException e) {
      throw new FcdsException(ErrorCode.SANDBOX_EHR, "EHR sandbox cannot make an RSA key", e);
    }
  }
}
