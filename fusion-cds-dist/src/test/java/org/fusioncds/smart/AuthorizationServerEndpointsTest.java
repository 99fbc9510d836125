package org.fusioncds.smart;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * In production the SMART app uses an authorization server only when every endpoint its discovery
 * document names is https: the token endpoint gets the client secret and the code, the key set
 * verifies the clinicians' ID tokens.
 */
class AuthorizationServerEndpointsTest {

  private static OIDCProviderMetadata discovery(String authorize, String token, String jwks)
      throws Exception {
    return OIDCProviderMetadata.parse(
        "{\"issuer\":\"https://login.example.org/realms/h\","
            + "\"authorization_endpoint\":\""
            + authorize
            + "\",\"token_endpoint\":\""
            + token
            + "\",\"jwks_uri\":\""
            + jwks
            + "\",\"response_types_supported\":[\"code\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
  }

  @Test
  void takesADiscoveryDocumentWhoseEndpointsAreAllHttps() throws Exception {
    OIDCProviderMetadata m =
        discovery(
            "https://login.example.org/auth",
            "https://login.example.org/token",
            "https://login.example.org/certs");

    assertDoesNotThrow(() -> AuthorizationServer.httpsEndpoints(m));
  }

  @Test
  void refusesAnHttpKeySetOrTokenEndpointNamingItAndItsOriginOnly() throws Exception {
    AppRefusal keys =
        refused(
            "https://login.example.org/auth",
            "https://login.example.org/token",
            "http://login.example.org:8080/realms/h/certs?x=1");
    AppRefusal token =
        refused(
            "https://login.example.org/auth",
            "http://login.example.org/token",
            "https://login.example.org/certs");

    assertEquals(1209, keys.code());
    assertTrue(keys.getMessage().contains("jwks_uri"), keys.getMessage());
    assertTrue(keys.getMessage().contains("— http://login.example.org:8080"), keys.getMessage());
    assertFalse(keys.getMessage().contains("certs"), keys.getMessage());
    assertTrue(token.getMessage().contains("token_endpoint"), token.getMessage());
  }

  @Test
  void aProductionAppRefusesTheLaunchWhenTheServersDiscoveryNamesAnHttpKeySet() throws Exception {
    // a discovery document served as an authorization server would (the issuer's own URL), its
    // key set on http: production refuses the launch, dev (the demo, the tests) goes on
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/h";
    byte[] body =
        ("{\"issuer\":\""
                + issuer
                + "\",\"authorization_endpoint\":\""
                + issuer
                + "/auth\",\"token_endpoint\":\""
                + issuer
                + "/token\",\"jwks_uri\":\""
                + issuer
                + "/certs\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/realms/h/.well-known/openid-configuration",
        x -> {
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.start();
    try {
      AuthorizationServer production = new AuthorizationServer(settings(issuer, true));
      AuthorizationServer dev = new AuthorizationServer(settings(issuer, false));

      AppSession session =
          new AppSession(
              "s",
              "c",
              null,
              "state-1",
              "v".repeat(43),
              "nonce-1",
              null,
              null,
              null,
              null,
              java.time.Instant.now());

      AppRefusal refused =
          assertThrows(
              AppRefusal.class, () -> production.authorizationUrl(session, "http://fhir", "l"));
      assertEquals(1209, refused.code());
      assertTrue(refused.getMessage().contains("authorization_endpoint"), refused.getMessage());
      assertTrue(
          dev.authorizationUrl(session, "http://fhir", "l")
              .toString()
              .startsWith(issuer + "/auth?"));
    } finally {
      server.stop(0);
    }
  }

  private static AppRefusal refused(String authorize, String token, String jwks) throws Exception {
    OIDCProviderMetadata m = discovery(authorize, token, jwks);
    return assertThrows(AppRefusal.class, () -> AuthorizationServer.httpsEndpoints(m));
  }

  private static SmartSettings settings(String issuer, boolean httpsEndpoints) {
    return new SmartSettings(
        issuer,
        "fusion-cds-app",
        "secret",
        "openid launch",
        "http://127.0.0.1:1",
        Duration.ofMinutes(5),
        10,
        httpsEndpoints);
  }
}
