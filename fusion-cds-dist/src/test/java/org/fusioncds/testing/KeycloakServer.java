package org.fusioncds.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.fusioncds.sandbox.FreePorts;

/**
 * One real Keycloak 26.7.3 per test JVM, started from {@code target/keycloak/keycloak-26.7.3} in
 * dev mode with the project's realm ({@code deploy/keycloak/fusion-cds-realm.json}) on free ports
 * of 127.0.0.1, and stopped by its process on JVM exit. Each start gets its own Keycloak home under
 * {@code target/keycloak-runs/} (copied {@code bin/kc.sh} and {@code conf/}, links to the
 * distribution's {@code lib/}, {@code providers/}, {@code themes/}, a fresh {@code data/}); its log
 * is {@code keycloak.log} there.
 */
public final class KeycloakServer {

  public static final String REALM = "fusion-cds";
  // a start on 2 busy cores took 121 s (build 45 s, realm import 31 s): CI failed at 120 s
  private static final Duration STARTUP = Duration.ofSeconds(240);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KeycloakServer shared;

  private final Path home;
  private final int port;
  private final String adminPassword = UUID.randomUUID().toString();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private JsonNode discovery;
  private Duration startupTime;

  private KeycloakServer(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  /**
   * The Keycloak of this JVM, started on first use (about 20–60 s).
   *
   * @throws IllegalStateException when the distribution is not unpacked or Keycloak does not answer
   *     within 240 s (with its log tail)
   */
  public static synchronized KeycloakServer shared() {
    if (shared == null) {
      KeycloakServer server = new KeycloakServer(KeycloakHome.create(), FreePorts.find());
      server.start();
      shared = server;
    }
    return shared;
  }

  /** For example {@code http://127.0.0.1:41234}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The realm's issuer, as its discovery document says. */
  public String issuer() {
    return discovery.path("issuer").asText();
  }

  public URI tokenEndpoint() {
    return URI.create(discovery.path("token_endpoint").asText());
  }

  public URI jwksUrl() {
    return URI.create(discovery.path("jwks_uri").asText());
  }

  /** How long the start took, to the first 200 of the realm's discovery document. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Keycloak's console log. */
  public Path logFile() {
    return home.resolve("keycloak.log");
  }

  /** An access token of a confidential client of the realm (client credentials, secret post). */
  public String clientToken(String clientId, String secret) {
    String form =
        form("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret);
    return accessToken(post(tokenEndpoint(), form));
  }

  /** An admin token from the master realm (admin-cli, the bootstrap admin). */
  public String adminToken() {
    URI masterToken = baseUrl().resolve("/realms/master/protocol/openid-connect/token");
    String form =
        form(
            "grant_type", "password",
            "client_id", "admin-cli",
            "username", "admin",
            "password", adminPassword);
    return accessToken(post(masterToken, form));
  }

  /** Registers a client's public keys (its JWKS) for {@code private_key_jwt}, via the admin API. */
  public void setClientJwks(String clientId, JWKSet publicKeys) {
    for (JWK key : publicKeys.getKeys()) {
      if (!KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        throw new IllegalArgumentException(
            "Keycloak ignores client keys without \"use\": \"sig\": kid " + key.getKeyID());
      }
    }
    String admin = adminToken();
    URI client = clientUri(clientId, admin);
    ObjectNode rep = (ObjectNode) send(get(client, admin), 200);
    ObjectNode attributes =
        rep.get("attributes") instanceof ObjectNode a ? a : rep.putObject("attributes");
    attributes.put("use.jwks.url", "false");
    attributes.put("use.jwks.string", "true");
    attributes.put("jwks.string", publicKeys.toPublicJWKSet().toString());
    send(bearer(client, admin).PUT(HttpRequest.BodyPublishers.ofString(rep.toString())), 204);
  }

  /**
   * The id of a client's service-account user: the {@code sub} of its client-credentials tokens.
   */
  public String serviceAccountUserId(String clientId) {
    String admin = adminToken();
    URI user = URI.create(clientUri(clientId, admin) + "/service-account-user");
    return send(get(user, admin), 200).path("id").asText();
  }

  private void start() {
    long started = System.nanoTime();
    process = KeycloakHome.launch(home, port, FreePorts.find(), adminPassword);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "keycloak-stop-" + port));
    awaitDiscovery();
    startupTime = Duration.ofNanos(System.nanoTime() - started);
  }

  private void awaitDiscovery() {
    URI wellKnown = baseUrl().resolve("/realms/" + REALM + "/.well-known/openid-configuration");
    try {
      HttpResponse<String> served =
          await()
              .atMost(STARTUP)
              .pollInterval(Duration.ofMillis(250))
              .until(
                  () -> {
                    if (!process.isAlive()) {
                      throw failed("exited with status " + process.exitValue());
                    }
                    try {
                      return http.send(get(wellKnown, null).build(), bodyAsString());
                    } catch (IOException notYet) {
                      return null; // not listening yet
                    }
                  },
                  r -> r != null && r.statusCode() == 200);
      discovery = JSON.readTree(served.body());
    } catch (ConditionTimeoutException e) {
      stop();
      throw failed("did not serve " + wellKnown + " within " + STARTUP.toSeconds() + " s");
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable discovery document at " + wellKnown, e);
    }
  }

  private IllegalStateException failed(String what) {
    return new IllegalStateException(
        "Keycloak " + what + "; log " + logFile() + ", tail:\n" + KeycloakHome.tail(logFile(), 40));
  }

  /** Stops Keycloak: its descendants (the JVM under kc.sh) and the process, SIGTERM then KILL. */
  private void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    List<ProcessHandle> descendants = p.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        descendants.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private URI clientUri(String clientId, String admin) {
    URI admins = baseUrl().resolve("/admin/realms/" + REALM + "/clients?clientId=" + enc(clientId));
    JsonNode found = send(get(admins, admin), 200);
    if (found.size() != 1) {
      throw new IllegalArgumentException("no client " + clientId + " in realm " + REALM);
    }
    return baseUrl()
        .resolve("/admin/realms/" + REALM + "/clients/" + found.get(0).path("id").asText());
  }

  private JsonNode post(URI uri, String form) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    return send(request, 200);
  }

  private JsonNode send(HttpRequest.Builder request, int expected) {
    try {
      HttpResponse<String> r = http.send(request.build(), bodyAsString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(
            request.build().method()
                + " "
                + request.build().uri().getPath()
                + " answered "
                + r.statusCode()
                + ": "
                + r.body());
      }
      return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static HttpRequest.Builder get(URI uri, String token) {
    return (token == null ? HttpRequest.newBuilder(uri) : bearer(uri, token))
        .timeout(Duration.ofSeconds(20))
        .GET();
  }

  private static HttpRequest.Builder bearer(URI uri, String token) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }

  private static String accessToken(JsonNode answer) {
    return answer.path("access_token").asText();
  }

  private static HttpResponse.BodyHandler<String> bodyAsString() {
    return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private static String form(String... pairs) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      s.append(i == 0 ? "" : "&").append(enc(pairs[i])).append('=').append(enc(pairs[i + 1]));
    }
    return s.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
