package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.testing.KeycloakServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ClientCredentialsTokens} against a real Keycloak with the project's realm. */
class ClientCredentialsTokensIT {

  private static final String CLIENT = "fusion-cds";
  private static final String SECRET = "dev-only-fusion-cds-secret-replace-me";
  private static final String BACKEND = "fusion-cds-backend";

  private static KeycloakServer keycloak;
  private static RSAKey rsaKey;
  private static ECKey ecKey;

  @BeforeAll
  static void startKeycloakAndRegisterBackendKeys() throws Exception {
    keycloak = KeycloakServer.shared();
    System.out.printf("[figures] Keycloak start: %d ms%n", keycloak.startupTime().toMillis());
    rsaKey = rsaKey("backend-rsa-1");
    ecKey =
        new ECKeyGenerator(Curve.P_384)
            .keyID("backend-ec-1")
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES384)
            .generate();
    keycloak.setClientJwks(BACKEND, new JWKSet(List.of(rsaKey.toPublicJWK(), ecKey.toPublicJWK())));
  }

  @Test
  void secretFlowGivesATokenSignedByTheRealmForTheFhirServer() throws Exception {
    ClientCredentialsTokens tokens = secretTokens(Clock.systemUTC());

    JWTClaimsSet claims = verified(tokens.get());

    assertTrue(claims.getAudience().contains("fhir-server"), "aud " + claims.getAudience());
    assertEquals(keycloak.serviceAccountUserId(CLIENT), claims.getSubject());
    assertEquals(CLIENT, claims.getStringClaim("azp"));
    assertEquals(1, tokens.requestsMade());
  }

  @Test
  void secondCallIsServedFromTheCache() {
    ClientCredentialsTokens tokens = secretTokens(Clock.systemUTC());

    String first = tokens.get();
    String second = tokens.get();

    assertEquals(first, second);
    assertEquals(1, tokens.requestsMade());
  }

  @Test
  void fetchesANewTokenOnceTheRefreshMarginIsReached() throws Exception {
    TestClock clock = TestClock.system();
    ClientCredentialsTokens tokens = secretTokens(clock);
    String first = tokens.get();
    long lifetime = lifetimeSeconds(first); // 300 in the realm file
    long refreshAfter = lifetime - Math.max(10, lifetime / 10);

    clock.advance(Duration.ofSeconds(refreshAfter - 5));
    String beforeMargin = tokens.get();
    clock.advance(Duration.ofSeconds(10));
    String afterMargin = tokens.get();

    assertEquals(first, beforeMargin);
    assertNotEquals(first, afterMargin);
    assertEquals(2, tokens.requestsMade());
  }

  @Test
  void refreshesTheShortLivedBackendTokenBeforeItExpires() throws Exception {
    TestClock clock = TestClock.system();
    ClientCredentialsTokens tokens = backendTokens(rsaKey, JWSAlgorithm.RS384, clock);
    String first = tokens.get();
    long lifetime = lifetimeSeconds(first);

    clock.advance(Duration.ofSeconds(lifetime - 9)); // inside the 10 s margin, not yet expired
    String second = tokens.get();

    assertEquals(60, lifetime);
    assertNotEquals(first, second);
    assertEquals(2, tokens.requestsMade());
  }

  @Test
  void concurrentCallersShareOneTokenRequest() throws Exception {
    ClientCredentialsTokens tokens = secretTokens(Clock.systemUTC());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return tokens.get();
              }));
    }

    go.countDown();
    Set<String> distinct = new java.util.HashSet<>();
    for (Future<String> f : results) {
      distinct.add(f.get());
    }
    pool.shutdown();

    assertEquals(1, distinct.size());
    assertEquals(1, tokens.requestsMade());
  }

  @Test
  void wrongSecretIsRefusedWithStatusAndOAuthError() {
    ClientCredentialsTokens tokens =
        ClientCredentialsTokens.forSecret(
            keycloak.tokenEndpoint(), CLIENT, "not-the-secret", null, Clock.systemUTC());

    FcdsException e = assertThrows(FcdsException.class, tokens::get);

    assertEquals(7052, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 401, error unauthorized_client"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-secret"), e.getMessage());
  }

  @Test
  void privateKeyJwtFlowGivesATokenWithRsaAndWithEcKeys() throws Exception {
    JWTClaimsSet rsa = verified(backendTokens(rsaKey, JWSAlgorithm.RS384, Clock.systemUTC()).get());
    JWTClaimsSet ec = verified(backendTokens(ecKey, JWSAlgorithm.ES384, Clock.systemUTC()).get());

    assertEquals(BACKEND, rsa.getStringClaim("azp"));
    assertEquals(BACKEND, ec.getStringClaim("azp"));
    assertTrue(rsa.getAudience().contains("fhir-server"), "aud " + rsa.getAudience());
    assertEquals(keycloak.serviceAccountUserId(BACKEND), ec.getSubject());
  }

  @Test
  void privateKeyJwtWithAnUnregisteredKeyIsRefused() throws Exception {
    RSAKey stranger = rsaKey("backend-rsa-1"); // the registered kid, another key
    ClientCredentialsTokens tokens = backendTokens(stranger, JWSAlgorithm.RS384, Clock.systemUTC());

    FcdsException e = assertThrows(FcdsException.class, tokens::get);

    assertEquals(7052, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 400, error invalid_client"), e.getMessage());
  }

  @Test
  void asksForTheConfiguredScope() throws Exception {
    ClientCredentialsTokens tokens =
        ClientCredentialsTokens.forSecret(
            keycloak.tokenEndpoint(), CLIENT, SECRET, "phone", Clock.systemUTC());
    ClientCredentialsTokens plain = secretTokens(Clock.systemUTC());

    String scoped = verified(tokens.get()).getStringClaim("scope");
    String unscoped = verified(plain.get()).getStringClaim("scope");

    assertTrue(List.of(scoped.split(" ")).contains("phone"), scoped);
    assertFalse(List.of(unscoped.split(" ")).contains("phone"), unscoped);
  }

  @Test
  void unreachableTokenEndpointFailsWithCode() {
    URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.find() + "/token");
    ClientCredentialsTokens tokens =
        ClientCredentialsTokens.forSecret(nowhere, CLIENT, SECRET, null, Clock.systemUTC());

    FcdsException e = assertThrows(FcdsException.class, tokens::get);

    assertEquals(7051, e.code(), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void eachNewClientRequestsItsOwnTokenWithEitherFlow() throws Exception {
    List<Long> secretMicros = new ArrayList<>();
    List<Long> jwtMicros = new ArrayList<>();
    Set<String> tokens = new java.util.HashSet<>();
    for (int i = 0; i < 21; i++) {
      secretMicros.add(timeOneFetch(secretTokens(Clock.systemUTC()), tokens));
      jwtMicros.add(
          timeOneFetch(backendTokens(ecKey, JWSAlgorithm.ES384, Clock.systemUTC()), tokens));
    }

    assertEquals(42, tokens.size(), "a token of its own for every new client");
    System.out.printf( // figures for the report, not a target: timings belong in benchmarks
        "[figures] token request, new client each time (21 runs): secret first %d ms,"
            + " median %d ms; private_key_jwt ES384 first %d ms, median %d ms%n",
        secretMicros.get(0) / 1000,
        median(secretMicros) / 1000,
        jwtMicros.get(0) / 1000,
        median(jwtMicros) / 1000);
  }

  /** Fetches with a new client: one request, a token the realm signed; adds it to {@code seen}. */
  private static long timeOneFetch(ClientCredentialsTokens tokens, Set<String> seen)
      throws Exception {
    long start = System.nanoTime();
    String token = tokens.get();
    long micros = (System.nanoTime() - start) / 1000;
    assertEquals(1, tokens.requestsMade());
    assertEquals(keycloak.issuer(), verified(token).getIssuer());
    seen.add(token);
    return micros;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static ClientCredentialsTokens secretTokens(Clock clock) {
    return ClientCredentialsTokens.forSecret(keycloak.tokenEndpoint(), CLIENT, SECRET, null, clock);
  }

  private static ClientCredentialsTokens backendTokens(JWK key, JWSAlgorithm alg, Clock clock) {
    return ClientCredentialsTokens.forPrivateKeyJwt(
        keycloak.tokenEndpoint(), BACKEND, key, alg, null, clock);
  }

  /** The claims of a token whose RS256 signature verifies against the realm's JWKS. */
  private static JWTClaimsSet verified(String token) throws Exception {
    JWKSet realmKeys = JWKSet.load(keycloak.jwksUrl().toURL());
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(realmKeys)));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            new JWTClaimsSet.Builder().issuer(keycloak.issuer()).build(),
            Set.of("sub", "exp", "iat", "aud")));
    return processor.process(token, null);
  }

  /** Keycloak ignores client keys without {@code "use": "sig"}. */
  private static RSAKey rsaKey(String kid) throws Exception {
    return new RSAKeyGenerator(2048)
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS384)
        .generate();
  }

  private static long lifetimeSeconds(String token) throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
    return (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
  }
}
