package org.fusioncds.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.fusioncds.sandbox.SandboxEhr;

/**
 * The settings every integration test gives the application: dev mode (loopback servers), the
 * test's EHR as the trusted CDS Hooks issuer, its servers as the only allowed FHIR servers and
 * PACS, an audit spool of its own; and hook calls signed as that EHR signs them.
 */
public final class SecuredApp {

  private SecuredApp() {}

  /** Settings for an app on {@code port}; the caller adds or replaces what its test needs. */
  public static Map<String, String> settings(
      int port, SandboxEhr ehr, Path work, String fhirBase, String dicomWebBases) {
    Map<String, String> s = new HashMap<>();
    s.put("camel.server.port", String.valueOf(port));
    s.put("cds.public-base-url", "http://127.0.0.1:" + port);
    s.put("security.mode", "dev");
    s.put("security.hook-issuer.ehr.iss", ehr.issuer());
    s.put("security.hook-issuer.ehr.jwks-url", ehr.jwksUrl().toString());
    s.put("security.fhir-servers", fhirBase);
    s.put("security.dicomweb-servers", dicomWebBases);
    s.put("audit.spool-folder", work.resolve("audit-spool-" + port).toString());
    s.put("audit.fhir-base-url", fhirBase);
    s.put("audit.interval-ms", "200");
    s.put("cds.feedback-folder", work.resolve("feedback").toString());
    s.put("cds.dead-letter-folder", work.resolve("dead-letters").toString());
    return s;
  }

  /** A request to a CDS Hooks URL with the EHR's JWT for exactly that URL. */
  public static HttpRequest.Builder signed(SandboxEhr ehr, String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + ehr.sign(url));
  }
}
