package org.fusioncds.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.fusioncds.error.FcdsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for the module's own calls to the FHIR server and the PACS, from an OAuth 2.0 token
 * endpoint with the client credentials grant (RFC 6749 §4.4), the client authenticated by {@code
 * client_secret_basic} or by a {@code private_key_jwt} assertion (RFC 7523; SMART App Launch 2.x
 * Backend Services).
 *
 * <p>A token is kept until its {@code expires_in} less a margin of max(10 s, 10 % of its lifetime)
 * has passed, then fetched again; one thread fetches while the others wait for its result. A token
 * without {@code expires_in} is used for one call only. The given clock decides only when to renew;
 * a client assertion is always dated by the system clock, which the token endpoint checks its
 * {@code iat} and {@code exp} against. Errors: 7051 the endpoint cannot be reached or does not
 * answer in time, 7052 it refuses (HTTP status and the OAuth {@code error} code), 7053 the answer
 * is malformed, 7055 the client key cannot sign. Tokens, secrets and assertions are never logged
 * nor put in messages.
 */
public final class ClientCredentialsTokens implements Supplier<String> {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokens.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MIN_MARGIN = Duration.ofSeconds(10);

  private final TokenEndpoint endpoint;
  private final Clock clock;
  private final Object fetchLock = new Object();
  private volatile Cached cached;

  private record Cached(String token, Instant refreshAt) {}

  private ClientCredentialsTokens(TokenEndpoint endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Client credentials with {@code client_secret_basic}.
   *
   * @param scope the scope to ask for, or null for the client's default scopes
   */
  public static ClientCredentialsTokens forSecret(
      URI tokenEndpoint, String clientId, String secret, String scope, Clock clock) {
    ClientAuthentication client = new ClientSecretBasic(clientId, secret);
    return new ClientCredentialsTokens(
        new TokenEndpoint(tokenEndpoint, client, scope, CONNECT_TIMEOUT, REQUEST_TIMEOUT), clock);
  }

  /**
   * Client credentials with a {@code private_key_jwt} client assertion (SMART Backend Services).
   *
   * @param privateKey the client's private RSA or EC key, with the {@code kid} the token endpoint
   *     knows its public half by
   * @param alg RS384 or ES384 per SMART (any RSA algorithm for RSA keys, the curve's ES algorithm
   *     for EC keys)
   * @throws FcdsException 7055 when the key cannot sign with the algorithm
   */
  public static ClientCredentialsTokens forPrivateKeyJwt(
      URI tokenEndpoint,
      String clientId,
      JWK privateKey,
      JWSAlgorithm alg,
      String scope,
      Clock clock) {
    ClientAuthentication client = new PrivateKeyJwt(clientId, tokenEndpoint, privateKey, alg);
    return new ClientCredentialsTokens(
        new TokenEndpoint(tokenEndpoint, client, scope, CONNECT_TIMEOUT, REQUEST_TIMEOUT), clock);
  }

  /** The same client with other limits to connect (default 5 s) and to get the answer (10 s). */
  public ClientCredentialsTokens withTimeouts(Duration connect, Duration request) {
    return new ClientCredentialsTokens(
        new TokenEndpoint(endpoint.uri(), endpoint.client(), endpoint.scope(), connect, request),
        clock);
  }

  /** A valid access token: the cached one, or a new one from the token endpoint. */
  @Override
  public String get() {
    Cached current = cached;
    if (isFresh(current)) {
      return current.token();
    }
    synchronized (fetchLock) {
      current = cached;
      if (!isFresh(current)) {
        current = fetch();
        cached = current;
      }
      return current.token();
    }
  }

  /** How many token requests were sent so far (for tests and metrics). */
  public int requestsMade() {
    return endpoint.requestsMade();
  }

  /** The token endpoint this client asks. */
  public URI tokenEndpoint() {
    return endpoint.uri();
  }

  @Override
  public String toString() {
    return "ClientCredentialsTokens[" + endpoint.client() + " at " + endpoint.uri() + "]";
  }

  private boolean isFresh(Cached c) {
    return c != null && clock.instant().isBefore(c.refreshAt());
  }

  private Cached fetch() {
    Instant sentAt = clock.instant();
    TokenAnswer answer = endpoint.request(Instant.now()); // the assertion is checked in real time
    LOG.debug(
        "access token for client {} from {}, expires_in {}",
        endpoint.client().clientId(),
        endpoint.uri(),
        answer.expiresIn());
    return new Cached(answer.accessToken(), refreshAt(sentAt, answer.expiresIn()));
  }

  /** When to fetch again: the lifetime less max(10 s, 10 %); at once when none was given. */
  static Instant refreshAt(Instant sentAt, Long expiresIn) {
    if (expiresIn == null) {
      return sentAt;
    }
    Duration lifetime = Duration.ofSeconds(expiresIn);
    Duration tenth = lifetime.dividedBy(10);
    Duration margin = tenth.compareTo(MIN_MARGIN) > 0 ? tenth : MIN_MARGIN;
    return sentAt.plus(lifetime).minus(margin);
  }
}
