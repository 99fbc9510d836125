package org.fusioncds.smart;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import org.fusioncds.error.ErrorCode;

/**
 * The authorization server as the app's confidential client sees it (OAuth 2.0 authorization code
 * grant, RFC 6749 §4.1; PKCE S256, RFC 7636; OpenID Connect for the user), on Nimbus
 * oauth2-oidc-sdk: the discovery document read once, the authorization request (with SMART's {@code
 * aud} and {@code launch}), the code exchanged with {@code client_secret_basic} and the PKCE
 * verifier, the ID token checked (issuer, audience, signature from the server's JWKS, nonce).
 */
final class AuthorizationServer {

  /** What a code exchange gives: the access token, when it expires, the user's {@code sub}. */
  record Tokens(
      String accessToken, Instant expires, String subject, String fhirUser, String patient) {
    @Override
    public String toString() {
      return "Tokens[expires " + expires + "]";
    }
  }

  private static final int TIMEOUT_MS = 10_000;

  private final SmartSettings settings;
  private volatile OIDCProviderMetadata metadata;
  private volatile IDTokenValidator idTokens;

  AuthorizationServer(SmartSettings settings) {
    this.settings = settings;
  }

  /** The URL the browser is sent to: the authorization request of this session. */
  URI authorizationUrl(AppSession s, String iss, String launch) {
    OIDCProviderMetadata m = metadata();
    return new AuthenticationRequest.Builder(
            ResponseType.CODE,
            Scope.parse(settings.scope()),
            new ClientID(settings.clientId()),
            URI.create(settings.redirectUri()))
        .endpointURI(m.getAuthorizationEndpointURI())
        .state(new State(s.state()))
        .nonce(new Nonce(s.nonce()))
        .codeChallenge(new CodeVerifier(s.codeVerifier()), CodeChallengeMethod.S256)
        .customParameter("aud", iss)
        .customParameter("launch", launch)
        .build()
        .toURI();
  }

  /** The code exchanged with this session's PKCE verifier; a refusal is FCDS-1204. */
  Tokens exchange(AppSession s, String code) {
    OIDCProviderMetadata m = metadata();
    TokenRequest request =
        new TokenRequest(
            m.getTokenEndpointURI(),
            new ClientSecretBasic(
                new ClientID(settings.clientId()), new Secret(settings.clientSecret())),
            new AuthorizationCodeGrant(
                new AuthorizationCode(code),
                URI.create(settings.redirectUri()),
                new CodeVerifier(s.codeVerifier())));
    TokenResponse response;
    try {
      HTTPRequest http = request.toHTTPRequest();
      http.setConnectTimeout(TIMEOUT_MS);
      http.setReadTimeout(TIMEOUT_MS);
      HTTPResponse answer = http.send();
      response = OIDCTokenResponseParser.parse(answer);
    } catch (IOException | ParseException e) {
      throw new AppRefusal(
          ErrorCode.SMART_AUTH_SERVER, "the token endpoint did not answer usably", e);
    }
    if (!response.indicatesSuccess()) {
      TokenErrorResponse error = response.toErrorResponse();
      String why =
          error.getErrorObject() == null
              ? "no error"
              : error.getErrorObject().getCode()
                  + " ("
                  + error.getErrorObject().getDescription()
                  + ")";
      throw new AppRefusal(ErrorCode.SMART_TOKEN_REFUSED, "the code was not exchanged — " + why);
    }
    OIDCTokenResponse ok = (OIDCTokenResponse) response.toSuccessResponse();
    AccessToken token = ok.getOIDCTokens().getAccessToken();
    String subject = null;
    String fhirUser = null;
    if (ok.getOIDCTokens().getIDToken() != null) {
      try {
        IDTokenClaimsSet claims =
            idTokens().validate(ok.getOIDCTokens().getIDToken(), new Nonce(s.nonce()));
        subject = claims.getSubject().getValue();
        fhirUser = claims.getStringClaim("fhirUser"); // SMART App Launch 2.0 §fhirUser
      } catch (com.nimbusds.jose.JOSEException | com.nimbusds.jose.proc.BadJOSEException e) {
        throw new AppRefusal(ErrorCode.SMART_TOKEN_REFUSED, "the ID token did not verify", e);
      } catch (RuntimeException e) {
        throw new AppRefusal(ErrorCode.SMART_TOKEN_REFUSED, "the ID token did not verify", e);
      }
    }
    Object patient = ok.getCustomParameters().get("patient");
    long lifetime = token.getLifetime() > 0 ? token.getLifetime() : 300;
    return new Tokens(
        token.getValue(),
        Instant.now().plusSeconds(lifetime),
        subject,
        fhirUser,
        patient instanceof String p ? p : null);
  }

  private OIDCProviderMetadata metadata() {
    OIDCProviderMetadata m = metadata;
    if (m != null) {
      return m;
    }
    if (settings.authIssuer() == null || settings.authIssuer().isBlank()) {
      throw new AppRefusal(
          ErrorCode.SMART_NOT_CONFIGURED, "smart.auth-issuer is not set: the app cannot sign in");
    }
    try {
      m = OIDCProviderMetadata.resolve(new Issuer(settings.authIssuer()), TIMEOUT_MS, TIMEOUT_MS);
    } catch (IOException | com.nimbusds.oauth2.sdk.GeneralException e) {
      throw new AppRefusal(
          ErrorCode.SMART_AUTH_SERVER,
          "the authorization server's discovery document was not read — " + settings.authIssuer(),
          e);
    }
    if (settings.httpsEndpoints()) {
      httpsEndpoints(m);
    }
    metadata = m;
    return m;
  }

  /**
   * In production the endpoints the discovery document names are https: the token endpoint gets the
   * client secret and the code, the key set verifies every clinician's ID token, the browser
   * carries the launch to the authorization endpoint. An https issuer can still name http ones (a
   * proxy's misconfiguration); FCDS-1209 then, naming the endpoint's origin.
   */
  static void httpsEndpoints(OIDCProviderMetadata m) {
    java.util.Map<String, URI> named = new java.util.LinkedHashMap<>();
    named.put("authorization_endpoint", m.getAuthorizationEndpointURI());
    named.put("token_endpoint", m.getTokenEndpointURI());
    named.put("jwks_uri", m.getJWKSetURI());
    named.forEach(
        (name, uri) -> {
          if (uri == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new AppRefusal(
                ErrorCode.SMART_AUTH_SERVER,
                "the discovery document's "
                    + name
                    + " must be https in security.mode=production — "
                    + (uri == null
                        ? "none"
                        : uri.getScheme()
                            + "://"
                            + uri.getHost()
                            + (uri.getPort() == -1 ? "" : ":" + uri.getPort())));
          }
        });
  }

  private IDTokenValidator idTokens() {
    IDTokenValidator v = idTokens;
    if (v == null) {
      OIDCProviderMetadata m = metadata();
      try {
        v =
            new IDTokenValidator(
                m.getIssuer(),
                new ClientID(settings.clientId()),
                JWSAlgorithm.RS256,
                m.getJWKSetURI().toURL());
      } catch (java.net.MalformedURLException e) {
        throw new AppRefusal(ErrorCode.SMART_AUTH_SERVER, "the server's JWKS URL is unusable", e);
      }
      idTokens = v;
    }
    return v;
  }
}
