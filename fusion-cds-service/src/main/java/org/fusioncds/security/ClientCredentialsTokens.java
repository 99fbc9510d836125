package org.fusioncds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import net.minidev.json.JSONObject;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for the module's own calls to the FHIR server and the PACS, from an OAuth 2.0 token
 * endpoint with the client credentials grant (RFC 6749 §4.4), the client authenticated by {@code
 * client_secret_basic} or by a {@code private_key_jwt} assertion (RFC 7523; SMART App Launch 2.x
 * Backend Services), with Nimbus' OAuth 2.0 SDK.
 *
 * <p>A token is kept until its {@code expires_in} less a margin of max(10 s, 10 % of its lifetime)
 * has passed, then fetched again; one thread fetches while the others wait for its result. A token
 * without {@code expires_in} is used for one call only. The given clock decides only when to renew;
 * a client assertion is always dated by the system clock, which the token endpoint checks its
 * {@code iat} and {@code exp} against. The request follows no redirect and the answer is read up to
 * 1 MiB. Errors: 7051 the endpoint cannot be reached or does not answer in time, 7052 it refuses
 * (HTTP status and the OAuth {@code error} code), 7053 the answer is malformed, 7055 the client key
 * cannot sign. Tokens, secrets and assertions are never logged nor put in messages.
 */
public final class ClientCredentialsTokens implements Supplier<String> {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokens.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MIN_MARGIN = Duration.ofSeconds(10);
  private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(2);
  private static final int MAX_ANSWER = 1 << 20;
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

  private final URI tokenEndpoint;
  private final String clientId;
  private final String method;
  private final Function<Instant, ClientAuthentication> authentication;
  private final Scope scope;
  private final Clock clock;
  private final Sender sender;
  private final Object fetchLock = new Object();
  private volatile Cached cached;

  private record Cached(String token, Instant refreshAt) {}

  /** What a successful answer gives: the Bearer token and its lifetime (null: none given). */
  record TokenAnswer(String accessToken, Long expiresIn) {
    @Override
    public String toString() {
      return "TokenAnswer[expiresIn=" + expiresIn + "]";
    }
  }

  private ClientCredentialsTokens(
      URI tokenEndpoint,
      String clientId,
      String method,
      Function<Instant, ClientAuthentication> authentication,
      Scope scope,
      Clock clock,
      Sender sender) {
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.method = method;
    this.authentication = authentication;
    this.scope = scope;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sender = sender;
  }

  /**
   * Client credentials with {@code client_secret_basic}.
   *
   * @param scope the scope to ask for, or null for the client's default scopes
   */
  public static ClientCredentialsTokens forSecret(
      URI tokenEndpoint, String clientId, String secret, String scope, Clock clock) {
    ClientAuthentication basic =
        new ClientSecretBasic(
            new ClientID(clientId), new Secret(Objects.requireNonNull(secret, "secret")));
    return new ClientCredentialsTokens(
        tokenEndpoint,
        clientId,
        "client_secret_basic[" + clientId + "]",
        now -> basic,
        scope(scope),
        clock,
        new Sender(CONNECT_TIMEOUT, REQUEST_TIMEOUT));
  }

  /**
   * Client credentials with a {@code private_key_jwt} client assertion (SMART Backend Services): a
   * fresh JWT per request, {@code iss} = {@code sub} = client id, {@code aud} = the token endpoint,
   * a random {@code jti}, {@code exp} two minutes ahead (SMART: at most five), header {@code typ}
   * JWT and the key's {@code kid}.
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
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    JWSSigner signer = signer(clientId, privateKey, Objects.requireNonNull(alg, "alg"));
    JWSHeader header =
        new JWSHeader.Builder(alg).keyID(privateKey.getKeyID()).type(JOSEObjectType.JWT).build();
    Function<Instant, ClientAuthentication> assertion =
        now -> {
          JWTAuthenticationClaimsSet claims =
              new JWTAuthenticationClaimsSet(
                  new ClientID(clientId),
                  Audience.create(tokenEndpoint.toString()),
                  Date.from(now.plus(ASSERTION_LIFETIME)),
                  null,
                  Date.from(now),
                  new JWTID());
          SignedJWT jwt = new SignedJWT(header, claims.toJWTClaimsSet());
          try {
            jwt.sign(signer);
          } catch (JOSEException e) {
            throw new FcdsException(
                ErrorCode.CLIENT_ASSERTION,
                "cannot sign the client assertion for "
                    + clientId
                    + " with kid "
                    + header.getKeyID(),
                e);
          }
          return new PrivateKeyJWT(jwt);
        };
    return new ClientCredentialsTokens(
        tokenEndpoint,
        clientId,
        "private_key_jwt[" + clientId + ", " + alg + ", kid " + privateKey.getKeyID() + "]",
        assertion,
        scope(scope),
        clock,
        new Sender(CONNECT_TIMEOUT, REQUEST_TIMEOUT));
  }

  /** The same client with other limits to connect (default 5 s) and to get the answer (10 s). */
  public ClientCredentialsTokens withTimeouts(Duration connect, Duration request) {
    return new ClientCredentialsTokens(
        tokenEndpoint,
        clientId,
        method,
        authentication,
        scope,
        clock,
        new Sender(connect, request));
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
    return sender.requests.get();
  }

  /** The token endpoint this client asks. */
  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  @Override
  public String toString() {
    return "ClientCredentialsTokens[" + method + " at " + tokenEndpoint + "]";
  }

  /** The client authentication of one token request; {@code now} dates a client assertion. */
  ClientAuthentication clientAuthentication(Instant now) {
    return authentication.apply(now);
  }

  private boolean isFresh(Cached c) {
    return c != null && clock.instant().isBefore(c.refreshAt());
  }

  private Cached fetch() {
    Instant sentAt = clock.instant();
    TokenAnswer answer = request(Instant.now()); // the assertion is checked in real time
    LOG.debug(
        "access token for client {} from {}, expires_in {}",
        clientId,
        tokenEndpoint,
        answer.expiresIn());
    return new Cached(answer.accessToken(), refreshAt(sentAt, answer.expiresIn()));
  }

  private TokenAnswer request(Instant now) {
    HTTPRequest request =
        new TokenRequest.Builder(
                tokenEndpoint, clientAuthentication(now), new ClientCredentialsGrant())
            .scope(scope)
            .build()
            .toHTTPRequest();
    request.setAccept("application/json");
    HTTPResponse response;
    try {
      response = request.send(sender);
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (!response.indicatesSuccess()) {
      throw refused(response);
    }
    return parse(response, tokenEndpoint);
  }

  /**
   * Reads a 2xx answer (RFC 6749 §5.1): a Bearer token (RFC 6750 §2.1 b64token, so it can never
   * break the Authorization header it goes into) and a positive whole {@code expires_in}, if any. A
   * missing {@code token_type} is taken as Bearer. Error 7053 for anything else.
   */
  static TokenAnswer parse(HTTPResponse response, URI endpoint) {
    try {
      JSONObject json = response.getBodyAsJSONObject();
      json.putIfAbsent("token_type", "Bearer");
      Long expiresIn = expiresIn(json.get("expires_in"), json.containsKey("expires_in"), endpoint);
      TokenResponse parsed = TokenResponse.parse(json);
      if (!parsed.indicatesSuccess()) {
        throw malformed("no access_token", endpoint);
      }
      AccessToken token = parsed.toSuccessResponse().getTokens().getAccessToken();
      if (!(token instanceof BearerAccessToken)) {
        throw malformed("token_type is not Bearer", endpoint);
      }
      if (!B64TOKEN.matcher(token.getValue()).matches()) {
        throw malformed("the access_token is not a Bearer token", endpoint);
      }
      return new TokenAnswer(token.getValue(), expiresIn);
    } catch (ParseException e) {
      // Nimbus' message may quote the answer, and so the token: not shown
      throw malformed("not a JSON access token answer", endpoint);
    }
  }

  private static Long expiresIn(Object value, boolean present, URI endpoint) {
    if (!present || value == null) {
      return null;
    }
    long seconds = -1;
    if (value instanceof Long || value instanceof Integer) {
      seconds = ((Number) value).longValue();
    } else if (value instanceof String s && DIGITS.matcher(s).matches()) {
      seconds = Long.parseLong(s);
    }
    if (seconds <= 0) {
      String shown = String.valueOf(value);
      throw malformed(
          "expires_in is not a positive number of seconds: "
              + (shown.length() > 40 ? shown.substring(0, 40) + "…" : shown),
          endpoint);
    }
    return seconds;
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

  private static Scope scope(String scope) {
    return scope == null || scope.isBlank() ? null : Scope.parse(scope);
  }

  /** A signer for the client assertion, or 7055 (RFC 7523 allows RSA and EC signatures only). */
  private static JWSSigner signer(String clientId, JWK key, JWSAlgorithm alg) {
    Objects.requireNonNull(key, "privateKey");
    String why = null;
    if (!key.isPrivate() || key.getKeyID() == null) {
      why = "needs a private key with a kid";
    } else if (!PrivateKeyJWT.supportedJWAs().contains(alg)) {
      why = "cannot sign with " + alg + " (RSA keys: RS*/PS*, EC keys: their curve's ES*)";
    } else {
      try {
        JWSSigner signer = new DefaultJWSSignerFactory().createJWSSigner(key, alg);
        if (signer.supportedJWSAlgorithms().contains(alg)) {
          return signer;
        }
        why = "cannot sign with " + alg + " (RSA keys: RS*/PS*, EC keys: their curve's ES*)";
      } catch (JOSEException e) {
        why = "cannot sign with " + alg + ": " + e.getMessage();
      }
    }
    throw new FcdsException(
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

  private FcdsException unreachable(Exception e) {
    String why = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new FcdsException(
        ErrorCode.TOKEN_ENDPOINT_UNREACHABLE,
        "token endpoint unreachable for client "
            + clientId
            + " ("
            + e.getClass().getSimpleName()
            + why
            + ") — "
            + tokenEndpoint,
        e);
  }

  /** 7052 with the HTTP status and the OAuth {@code error} code (RFC 6749 §5.2), or "(none)". */
  private FcdsException refused(HTTPResponse response) {
    String code = null;
    try {
      ErrorObject error = TokenErrorResponse.parse(response).getErrorObject();
      code = error == null ? null : error.getCode();
    } catch (ParseException e) {
      LOG.debug("token error answer not read", e);
    }
    return new FcdsException(
        ErrorCode.TOKEN_ENDPOINT_REFUSED,
        "token endpoint refused client "
            + clientId
            + ": HTTP "
            + response.getStatusCode()
            + ", error "
            + (code != null && !code.isEmpty() && code.length() <= 64 ? code : "(none)")
            + " — "
            + tokenEndpoint);
  }

  private static FcdsException malformed(String what, URI endpoint) {
    return new FcdsException(
        ErrorCode.TOKEN_ANSWER_MALFORMED, "malformed token answer: " + what + " — " + endpoint);
  }

  /**
   * Sends the token requests Nimbus builds with the JDK client: HTTP/1.1, no redirects, the connect
   * and answer timeouts, the answer read up to 1 MiB; counts the requests.
   */
  private static final class Sender implements HTTPRequestSender {

    private final HttpClient http;
    private final Duration requestTimeout;
    private final AtomicInteger requests = new AtomicInteger();

    Sender(Duration connectTimeout, Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(connectTimeout)
              .build();
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(request.getURI())
              .timeout(requestTimeout)
              .method(
                  request.getMethod().name(),
                  HttpRequest.BodyPublishers.ofString(
                      request.getBody() == null ? "" : request.getBody()));
      request
          .getHeaderMap()
          .forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
      requests.incrementAndGet();
      HttpResponse<InputStream> answer;
      try {
        answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the token endpoint");
      }
      HTTPResponse response = new HTTPResponse(answer.statusCode());
      answer
          .headers()
          .map()
          .forEach((name, values) -> response.setHeader(name, values.toArray(String[]::new)));
      try (InputStream body = answer.body()) {
        response.setBody(new String(body.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8));
      }
      return response;
    }
  }
}
