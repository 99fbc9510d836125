package org.fusioncds.security;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

/**
 * How the module proves its identity to a token endpoint (RFC 6749 §2.3): {@link ClientSecretBasic}
 * or {@link PrivateKeyJwt} (RFC 7523, SMART Backend Services). Implementations never show their
 * secret or key in {@code toString}.
 */
sealed interface ClientAuthentication permits ClientSecretBasic, PrivateKeyJwt {

  /** The OAuth client id, for messages. */
  String clientId();

  /** Adds the client's credentials to a token request: a header or form parameters. */
  void authenticate(HttpRequest.Builder request, Map<String, String> form, Instant now);
}
