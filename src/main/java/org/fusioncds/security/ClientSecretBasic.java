package org.fusioncds.security;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 {@code client_secret_basic} (RFC 6749 §2.3.1): HTTP Basic with the form-encoded client
 * id and secret.
 */
final class ClientSecretBasic implements ClientAuthentication {

  private final String clientId;
  private final String authorization;

  ClientSecretBasic(String clientId, String secret) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(secret, "secret");
    String pair = formEncode(clientId) + ":" + formEncode(secret);
    this.authorization =
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public void authenticate(HttpRequest.Builder request, Map<String, String> form, Instant now) {
    request.header("Authorization", authorization);
  }

  @Override
  public String toString() {
    return "client_secret_basic[" + clientId + "]";
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
