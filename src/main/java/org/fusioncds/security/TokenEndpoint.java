package org.fusioncds.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * One OAuth 2.0 token endpoint asked for client credentials tokens (RFC 6749 §4.4.2, §5): POST of
 * the form, the client authenticated, no redirects followed, the answer read up to 1 MiB. Errors
 * 7051 (cannot reach, timeout), 7052 (refused: status and OAuth {@code error}), 7053 (malformed).
 */
final class TokenEndpoint {

  private static final int MAX_ANSWER = 1 << 20;
  private static final Pattern OAUTH_ERROR =
      Pattern.compile("[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI tokenEndpoint;
  private final ClientAuthentication client;
  private final String scope;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final AtomicInteger requests = new AtomicInteger();

  TokenEndpoint(
      URI tokenEndpoint,
      ClientAuthentication client,
      String scope,
      Duration connectTimeout,
      Duration requestTimeout) {
    this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    this.client = Objects.requireNonNull(client, "client");
    this.scope = scope;
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .build();
  }

  URI uri() {
    return tokenEndpoint;
  }

  ClientAuthentication client() {
    return client;
  }

  String scope() {
    return scope;
  }

  int requestsMade() {
    return requests.get();
  }

  /** Asks for a token once; {@code now} dates the client assertion. */
  TokenAnswer request(Instant now) {
    HttpResponse<InputStream> response = send(now);
    byte[] body = readBody(response);
    if (response.statusCode() / 100 != 2) {
      throw refused(response.statusCode(), body);
    }
    return TokenAnswer.parse(body, tokenEndpoint);
  }

  private HttpResponse<InputStream> send(Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (scope != null && !scope.isBlank()) {
      form.put("scope", scope);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded");
    client.authenticate(request, form, now);
    request.POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
    requests.incrementAndGet();
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(e);
    }
  }

  private byte[] readBody(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return in.readNBytes(MAX_ANSWER);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private FcdsException unreachable(Exception e) {
    String why = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new FcdsException(
        ErrorCode.TOKEN_ENDPOINT_UNREACHABLE,
        "token endpoint unreachable for client "
            + client.clientId()
            + " ("
            + e.getClass().getSimpleName()
            + why
            + ") — "
            + tokenEndpoint,
        e);
  }

  private FcdsException refused(int status, byte[] body) {
    return new FcdsException(
        ErrorCode.TOKEN_ENDPOINT_REFUSED,
        "token endpoint refused client "
            + client.clientId()
            + ": HTTP "
            + status
            + ", error "
            + oauthError(body)
            + " — "
            + tokenEndpoint);
  }

  /** The OAuth {@code error} code of an error answer (RFC 6749 §5.2), or "(none)". */
  private static String oauthError(byte[] body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      String code = error.isTextual() ? error.asText() : "";
      return OAUTH_ERROR.matcher(code).matches() && code.length() <= 64 ? code : "(none)";
    } catch (IOException | RuntimeException e) {
      return "(none)";
    }
  }

  private static String formEncode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
