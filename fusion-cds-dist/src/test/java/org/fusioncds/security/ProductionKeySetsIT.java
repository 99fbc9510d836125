package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In production mode the keys that verify every token come over https only: a key set read over
 * http can be swapped on the way, and each token it then passes is the swapper's.
 */
class ProductionKeySetsIT {

  @TempDir Path work;

  private Map<String, String> settings(String mode) {
    int port = FreePorts.find();
    Map<String, String> s = new HashMap<>();
    s.put("camel.server.port", String.valueOf(port));
    s.put("cds.public-base-url", "http://127.0.0.1:" + port);
    s.put("security.mode", mode);
    s.put("audit.spool-folder", work.resolve("spool").toString());
    s.put("cds.feedback-folder", work.resolve("feedback").toString());
    s.put("cds.dead-letter-folder", work.resolve("dead-letters").toString());
    s.put("security.hook-issuer.ehr.iss", "https://ehr.hospital.example");
    s.put("security.hook-issuer.ehr.jwks-url", "https://ehr.hospital.example/jwks.json");
    return s;
  }

  @Test
  void aHookIssuersHttpKeySetDoesNotStartInProductionMode() {
    Map<String, String> s = settings("production");
    s.put("security.hook-issuer.ehr.jwks-url", "http://ehr.hospital.example/jwks.json?k=1");

    String chain = refused(s);

    assertTrue(chain.contains("FCDS-7028"), chain);
    assertTrue(chain.contains("security.hook-issuer.ehr.jwks-url"), chain);
    assertFalse(chain.contains("k=1"), "origin only: " + chain);
  }

  @Test
  void anHttpJkuKeycloakOrSmartIssuerDoesNotStartInProductionMode() {
    Map<String, String> jku = settings("production");
    jku.put("security.hook-issuer.ehr.jku", "http://ehr.hospital.example/other-keys.json");
    Map<String, String> api = settings("production");
    api.put("security.api.issuer", "http://sso.hospital.example/realms/fusion-cds");
    Map<String, String> smart = settings("production");
    smart.put("smart.auth-issuer", "http://sso.hospital.example/realms/fusion-cds");

    String jkuChain = refused(jku);
    String apiChain = refused(api);
    String smartChain = refused(smart);

    assertTrue(jkuChain.contains("FCDS-7028") && jkuChain.contains(".ehr.jku"), jkuChain);
    assertTrue(
        apiChain.contains("FCDS-7028") && apiChain.contains("security.api.issuer"), apiChain);
    assertTrue(
        smartChain.contains("FCDS-7028") && smartChain.contains("smart.auth-issuer"), smartChain);
  }

  @Test
  void devModeTakesAnHttpKeySet() throws Exception {
    Map<String, String> s = settings("dev");
    s.put("security.hook-issuer.ehr.jwks-url", "http://127.0.0.1:1/jwks.json");

    try (FusionCdsApp app = FusionCdsApp.start(s)) {
      assertTrue(app.camelContext().isStarted());
    }
  }

  private static String refused(Map<String, String> settings) {
    FcdsException e = assertThrows(FcdsException.class, () -> FusionCdsApp.start(settings).close());
    StringBuilder s = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      s.append(c.getMessage()).append(" | ");
    }
    return s.toString();
  }
}
